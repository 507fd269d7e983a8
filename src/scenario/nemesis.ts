import type { StartedTopology } from "../cluster/index.js";
import type { ActiveFault } from "../cluster/fault-handle.js";
import type { History } from "../workload/history.js";
import { NEMESIS, type NemesisF } from "../workload/op.js";
import { type FaultSpec, type PartitionSide, describeFault, faultTarget, loss, partition } from "../faults/spec.js";
import type { NodeRole } from "../cluster/topology.js";

/** One fault step as the journal keeps it: what ran, on what, when, how long, and whether it worked. */
export interface JournalStep {
  /** `fault`: injected by the scenario; `operator`: what an operator does in the method; `heal`: undoing a fault. */
  readonly phase: "fault" | "operator" | "heal";
  readonly f: NemesisF;
  readonly target: string;
  readonly description: string;
  /** ms in the history when it was invoked, and how long it took. */
  readonly t: number;
  readonly durationMs: number;
  readonly at: string;
  readonly outcome: "ok" | "failed";
  readonly error?: string;
}

/**
 * Records every fault step twice: as a nemesis op in the history (invoke, then ok or info: a step that threw
 * may or may not have taken effect) and as a journal line (Chaos Toolkit's journal). A heal that fails is
 * recorded, then rethrown: the runner turns it into a broken run, never a silent pass.
 */
export class Nemesis {
  readonly #history: History;
  readonly journal: JournalStep[] = [];

  constructor(history: History) {
    this.#history = history;
  }

  async step<T>(phase: JournalStep["phase"], f: NemesisF, target: string, description: string, run: () => Promise<T>): Promise<T> {
    const t = this.#history.now();
    const at = new Date().toISOString();
    const id = this.#history.invoke(NEMESIS, f, { target, note: description });
    const record = (outcome: JournalStep["outcome"], error?: string) => {
      const durationMs = Math.round(this.#history.now() - t);
      this.journal.push({ phase, f, target, description, t: Math.round(t), durationMs, at, outcome, ...(error ? { error } : {}) });
    };
    try {
      const value = await run();
      this.#history.complete(id, NEMESIS, f, "ok", { target, note: description });
      record("ok");
      return value;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.#history.complete(id, NEMESIS, f, "info", { target, note: description }, message);
      record("failed", message);
      throw e;
    }
  }

  /** The fault handle, with its heal recorded as a nemesis step too. */
  recordHeal(fault: ActiveFault, target: string): ActiveFault {
    return {
      get description() {
        return fault.description;
      },
      get injectedAt() {
        return fault.injectedAt;
      },
      get healed() {
        return fault.healed;
      },
      get target() {
        return fault.target;
      },
      settle: () => {
        fault.settle();
      },
      heal: () => (fault.healed ? fault.heal() : this.step("heal", "heal", target, `heal: ${fault.description}`, () => fault.heal())),
    };
  }
}

type FaultMethod = "kill" | "stop" | "pause" | "restart" | "partition" | "packetLoss" | "fillDisk" | "toxic" | "promote" | "setServer" | "sentinelFailover" | "recreateHaproxy" | "editHaproxy";

/** Which topology methods are fault steps, as what nemesis op, and what they target (from their arguments). */
const STEPS: Record<FaultMethod, { phase: "fault" | "operator"; f: NemesisF; target: (args: readonly unknown[]) => string; describe: (args: readonly unknown[]) => string }> = {
  kill: { phase: "fault", f: "kill", target: (a) => String(a[0]), describe: (a) => `kill ${String(a[0])} (SIGKILL)` },
  stop: { phase: "fault", f: "stop", target: (a) => String(a[0]), describe: (a) => `stop ${String(a[0])}` },
  pause: { phase: "fault", f: "pause", target: (a) => String(a[0]), describe: (a) => `pause ${String(a[0])} (SIGSTOP)` },
  restart: { phase: "fault", f: "restart", target: (a) => String(a[0]), describe: (a) => `restart ${String(a[0])}` },
  // Named as the fault spec names it, so a scenario's declared timeline matches the journal.
  partition: { phase: "fault", f: "partition", target: (a) => faultTarget(partitionOf(a)), describe: (a) => describeFault(partitionOf(a)) },
  packetLoss: { phase: "fault", f: "loss", target: (a) => String(a[0]), describe: (a) => describeFault(loss(a[0] as NodeRole, Number(a[1]))) },
  fillDisk: { phase: "fault", f: "disk-full", target: (a) => String(a[0]), describe: (a) => `fill ${String(a[0])}'s disk` },
  toxic: { phase: "fault", f: "toxic", target: (a) => String(a[0]), describe: (a) => `toxic ${JSON.stringify(a[1])} on ${String(a[0])}` },
  promote: { phase: "operator", f: "promote", target: (a) => String(a[0]), describe: (a) => `promote ${String(a[0])}` },
  setServer: { phase: "operator", f: "set-server", target: (a) => `${String(a[0])}/${String(a[1])}`, describe: (a) => `set server ${String(a[0])}/${String(a[1])} ${JSON.stringify(a[2])}` },
  sentinelFailover: { phase: "operator", f: "sentinel-failover", target: () => "sentinels", describe: () => "SENTINEL FAILOVER" },
  editHaproxy: { phase: "operator", f: "reload", target: () => "haproxy", describe: (a) => `edit haproxy.cfg (${String((a[0] as readonly unknown[]).length)} change(s)) and reload haproxy` },
  recreateHaproxy: { phase: "operator", f: "recreate", target: () => "haproxy", describe: () => "recreate haproxy from its saved config" },
};

const partitionOf = (a: readonly unknown[]): FaultSpec => partition(a[0] as PartitionSide, a[1] as PartitionSide);

const isActiveFault = (v: unknown): v is ActiveFault => typeof v === "object" && v !== null && "heal" in v && "settle" in v;

/** One fault as it ran: in force from the end of its step to the end of its heal (null: never healed). */
export interface FaultWindow {
  readonly description: string;
  readonly target: string;
  readonly from: number;
  readonly to: number | null;
}

/** The windows of every fault step in a journal, each paired with the first later heal of the same target. */
export function faultWindows(journal: readonly JournalStep[]): FaultWindow[] {
  const used = new Set<number>();
  return journal.flatMap((j, i) => {
    if (j.phase !== "fault" || j.outcome !== "ok") return [];
    const h = journal.findIndex((k, n) => n > i && !used.has(n) && k.phase === "heal" && k.target === j.target);
    if (h >= 0) used.add(h);
    const heal = journal[h];
    return [{ description: j.description, target: j.target, from: j.t + j.durationMs, to: heal ? heal.t + heal.durationMs : null }];
  });
}

/**
 * The topology as a scenario sees it: the same object, but every fault method goes through the nemesis, so a
 * scenario cannot inject a fault that the history and the journal do not show.
 */
export function recordingTopology(topology: StartedTopology, nemesis: Nemesis): StartedTopology {
  return new Proxy(topology, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      const step = typeof prop === "string" ? STEPS[prop as FaultMethod] : undefined;
      if (!step) return fn;
      return async (...args: unknown[]) => {
        const where = step.target(args);
        const out = await nemesis.step(step.phase, step.f, where, step.describe(args), () => fn(...args) as Promise<unknown>);
        return isActiveFault(out) ? nemesis.recordHeal(out, where) : out;
      };
    },
  });
}
