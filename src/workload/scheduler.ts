import type { History } from "./history.js";
import type { OpF, OpType, OpValue } from "./op.js";

export interface ProbeOutcome {
  readonly type: Exclude<OpType, "invoke">;
  readonly value?: OpValue;
  readonly error?: string;
}

/** One stream of operations fired at a fixed rate (the open model: a slow answer never delays the next probe). */
export interface Probe {
  /** The process name in the history. */
  readonly name: string;
  readonly f: OpF;
  /** False while the probe has nothing to do yet (a reader before its client's first write): the tick is skipped. */
  readonly ready?: () => boolean;
  /** What the invoke already knows (the key and version a write is about to write). */
  readonly invoke?: (seq: number) => OpValue | undefined;
  /** One operation; must settle by itself within the probe's timeout (it is given an abort signal). */
  readonly run: (seq: number, signal: AbortSignal) => Promise<ProbeOutcome>;
}

export interface SchedulerOptions {
  /** Default 50 ms. */
  readonly intervalMs?: number;
  /** An op not settled by then is recorded `info` (unknown) and aborted. Default 1000 ms. */
  readonly timeoutMs?: number;
  /** Hard cap on how long the workload may run, whatever its caller does. Default 10 minutes. */
  readonly maxDurationMs?: number;
}

/** How late the scheduler fired probes (ms past their due time): the probes' timing error. */
export interface Lateness {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const abortReason = (ms: number) => new Error(`no answer within ${String(ms)} ms`);

/**
 * Fires every probe at its rate until stopped, recording each op's invoke and completion in the history.
 * Timers aim at absolute due times (start + k × interval), so a late tick does not shift the ones after it.
 */
export class Scheduler {
  readonly #history: History;
  readonly #probes: readonly Probe[];
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #maxDurationMs: number;
  readonly #inflight = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #lateness: number[] = [];
  /** [when (ms, performance.now), how late (ms)] per tick, to find what delayed the probes. */
  readonly samples: [number, number][] = [];
  #running = false;

  constructor(history: History, probes: readonly Probe[], options: SchedulerOptions = {}) {
    this.#history = history;
    this.#probes = probes;
    this.#intervalMs = options.intervalMs ?? 50;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#maxDurationMs = options.maxDurationMs ?? 600_000;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const t0 = performance.now();
    this.#probes.forEach((probe, i) => {
      // Spread the probes across one interval so they do not all fire in the same millisecond.
      const offset = (i * this.#intervalMs) / Math.max(1, this.#probes.length);
      this.#tick(probe, 0, t0 + offset, t0);
    });
  }

  #tick(probe: Probe, seq: number, due: number, t0: number): void {
    const wait = Math.max(0, due - performance.now());
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#running) return;
      if (performance.now() - t0 > this.#maxDurationMs) {
        this.#running = false;
        return;
      }
      const late = performance.now() - due;
      this.#lateness.push(late);
      if (late > 20) this.samples.push([Math.round(performance.now()), Math.round(late)]);
      if (probe.ready?.() ?? true) this.#fire(probe, seq);
      this.#tick(probe, seq + 1, due + this.#intervalMs, t0);
    }, wait);
    this.#timers.add(timer);
  }

  #fire(probe: Probe, seq: number): void {
    const invokeValue = probe.invoke?.(seq);
    const id = this.#history.invoke(probe.name, probe.f, invokeValue);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The deadline settles the op even if a probe ignores its abort signal: stop() never waits past it.
    const deadline = new Promise<ProbeOutcome>((resolve) => {
      timer = setTimeout(() => {
        const reason = abortReason(this.#timeoutMs);
        controller.abort(reason);
        resolve({ type: "info", ...(invokeValue ? { value: invokeValue } : {}), error: reason.message });
      }, this.#timeoutMs);
    });
    const run = probe.run(seq, controller.signal).catch(
      // A probe that throws did not tell what happened: unknown, never a loss.
      (e: unknown): ProbeOutcome => ({ type: "info", error: e instanceof Error ? e.message : String(e) }),
    );
    const op = Promise.race([run, deadline])
      .then((outcome) => {
        clearTimeout(timer);
        this.#history.complete(id, probe.name, probe.f, outcome.type, outcome.value, outcome.error);
      })
      .finally(() => this.#inflight.delete(op));
    this.#inflight.add(op);
  }

  /** Stops firing and waits for the ops in flight (each is bounded by the timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all([...this.#inflight]);
  }

  lateness(): Lateness {
    const sorted = [...this.#lateness].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
  }
}
