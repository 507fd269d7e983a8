/** A fault that is in force until healed. Healing twice is a no-op, so the runner can heal whatever is left. */
export interface ActiveFault {
  readonly description: string;
  /** performance.now() when the fault took effect. */
  readonly injectedAt: number;
  readonly healed: boolean;
  /** The node it hit, when it hit one. */
  readonly target: string | undefined;
  heal(): Promise<void>;
  /** Over by other means (the node it hit was replaced): marks it healed without running its undo. */
  settle(): void;
}

/** Wraps an undo action into a fault handle whose heal runs it at most once. */
export function activeFault(description: string, undo: () => Promise<void>, target?: string): ActiveFault {
  let healing: Promise<void> | undefined;
  let healed = false;
  return {
    description,
    target,
    injectedAt: performance.now(),
    get healed() {
      return healed;
    },
    settle() {
      healing ??= Promise.resolve();
      healed = true;
    },
    heal() {
      healing ??= undo().then(() => {
        healed = true;
      });
      return healing;
    },
  };
}

/** Every fault a topology injected, so that disposal (or Ctrl-C) heals what a scenario left in force. */
export class FaultLedger {
  readonly #faults: ActiveFault[] = [];

  track<T extends ActiveFault>(fault: T): T {
    this.#faults.push(fault);
    return fault;
  }

  /** Settles every fault still in force on a node that was replaced. */
  settle(target: string): void {
    for (const f of this.#faults) if (!f.healed && f.target === target) f.settle();
  }

  get active(): readonly ActiveFault[] {
    return this.#faults.filter((f) => !f.healed);
  }

  /** Heals in reverse order of injection; one failed heal does not stop the others. */
  async healAll(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const f of [...this.#faults].reverse()) {
      try {
        await f.heal();
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return errors;
  }
}
