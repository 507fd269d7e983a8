/** A fault that is in force until healed. Healing twice is a no-op, so the runner can heal whatever is left. */
export interface ActiveFault {
  readonly description: string;
  /** performance.now() when the fault took effect. */
  readonly injectedAt: number;
  readonly healed: boolean;
  heal(): Promise<void>;
}

/** Wraps an undo action into a fault handle whose heal runs it at most once. */
export function activeFault(description: string, undo: () => Promise<void>): ActiveFault {
  let healing: Promise<void> | undefined;
  let healed = false;
  return {
    description,
    injectedAt: performance.now(),
    get healed() {
      return healed;
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
