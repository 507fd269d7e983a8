export type Phase = "topology" | "steady state" | "fault" | "heal" | "recovery" | "after" | "final reads" | "checks" | "teardown";

/**
 * Which scenario, which phase, elapsed: one plain line per phase (CI logs read well), written to stderr so
 * it does not mix with a reporter's output.
 */
export class Progress {
  readonly #name: string;
  readonly #t0 = performance.now();
  readonly #write: (line: string) => void;

  constructor(name: string, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
    this.#name = name;
    this.#write = write;
  }

  phase(phase: Phase, note = ""): void {
    const s = ((performance.now() - this.#t0) / 1000).toFixed(1);
    this.#write(`[chaos] ${this.#name} · ${phase} · ${s} s${note ? ` · ${note}` : ""}`);
  }
}
