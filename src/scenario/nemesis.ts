import type { ActiveFault } from "../cluster/fault-handle.js";
import type { FaultRecorder } from "../stack/started-topology.js";
import type { History } from "../workload/history.js";
import { NEMESIS, type NemesisF } from "../workload/op.js";
import { describeFault, faultPhase, faultTarget, nemesisF } from "../faults/spec.js";

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

  /**
   * A fault as it goes through the topology's door: one step, named, targeted and phased from its spec (the
   * journal and the declared timeline use the same words), and its heal recorded too.
   */
  readonly record: FaultRecorder = async (f, apply) => {
    const target = faultTarget(f);
    return this.recordHeal(await this.step(faultPhase(f), nemesisF(f), target, describeFault(f), apply), target);
  };

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
