import type { AnyF, Op, OpType, OpValue } from "./op.js";

/** Marks in a history's time line: phases and fault edges, so checks and charts know when things happened. */
export interface Mark {
  readonly name: string;
  readonly t: number;
}

/**
 * The record of a run: every op and every mark, appended as they happen, times in ms on one monotonic clock
 * started with the history. Plain data out (`ops`, `marks`), so checks are pure functions of it.
 */
export class History {
  readonly #t0: number;
  /** Wall-clock time of t = 0, for reports. */
  readonly startedAt: Date;
  readonly #ops: Op[] = [];
  readonly #marks: Mark[] = [];
  #nextId = 0;

  constructor(now: () => number = () => performance.now()) {
    this.now = () => now() - this.#t0;
    this.#t0 = now();
    this.startedAt = new Date();
  }

  /** Milliseconds since the history started. */
  readonly now: () => number;

  get ops(): readonly Op[] {
    return this.#ops;
  }

  get marks(): readonly Mark[] {
    return this.#marks;
  }

  mark(name: string): number {
    const t = this.now();
    this.#marks.push({ name, t });
    return t;
  }

  markAt(name: string): number | undefined {
    return this.#marks.find((m) => m.name === name)?.t;
  }

  invoke(process: string, f: AnyF, value?: OpValue): number {
    const id = this.#nextId++;
    this.#ops.push({ id, process, f, type: "invoke", t: this.now(), ...(value ? { value } : {}) });
    return id;
  }

  complete(id: number, process: string, f: AnyF, type: Exclude<OpType, "invoke">, value?: OpValue, error?: string): void {
    this.#ops.push({ id, process, f, type, t: this.now(), ...(value ? { value } : {}), ...(error ? { error } : {}) });
  }

  /**
   * An op already over, invoked at `start` and completed now: for steps that learn their value only at the end
   * (a workload's final reads), recorded while nothing else runs so the history stays in time order.
   */
  record(process: string, f: AnyF, start: number, type: Exclude<OpType, "invoke">, value?: OpValue, error?: string): void {
    const id = this.#nextId++;
    this.#ops.push({ id, process, f, type: "invoke", t: start, ...(value?.of !== undefined ? { value: { of: value.of } } : {}) });
    this.complete(id, process, f, type, value, error);
  }

  /** JSON lines: one op per line, then the marks. */
  toJsonLines(): string {
    return [...this.#ops.map((o) => JSON.stringify(o)), ...this.#marks.map((m) => JSON.stringify({ mark: m.name, t: m.t }))].join("\n") + "\n";
  }
}
