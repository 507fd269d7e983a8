/**
 * Admits at most `slots` holders at a time; waiting ones go in rank order (lower first), then arrival order.
 *
 * On a 2-core machine the engine starts containers at a fixed rate (about 200 ms each, measured: 14 containers
 * take about 3 s whether 3 or 14 `docker start` calls are in flight), so sending every start at once only decides
 * their order at random. Through a lane, the nodes on a topology's longest path to steady state start first.
 */
export class PriorityLane {
  #free: number;
  #serial = 0;
  readonly #waiting: { rank: number; serial: number; go: () => void }[] = [];

  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`a lane needs at least one slot, not ${String(slots)}`);
    this.#free = slots;
  }

  /** Resolves once admitted, with the release (which may be called more than once). */
  async enter(rank: number): Promise<() => void> {
    if (this.#free > 0) {
      this.#free--;
      return this.#release();
    }
    await new Promise<void>((go) => {
      this.#waiting.push({ rank, serial: this.#serial++, go });
      this.#waiting.sort((a, b) => a.rank - b.rank || a.serial - b.serial);
    });
    return this.#release();
  }

  /** How many wait to be admitted. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next in line, so a newcomer cannot take it first.
      if (next) next.go();
      else this.#free++;
    };
  }
}

/** The engine's container starts, for every topology of this process. */
export const engineStarts = new PriorityLane(3);
