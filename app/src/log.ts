/**
 * One JSON line per request on stdout, written in batches: lines gathered during one turn of the event loop go out
 * in a single write. Under load that is one write (and one read by the container runtime) per few dozen lines
 * instead of one per line, and the lines are the same.
 */
export class LineLog {
  readonly #out: NodeJS.WritableStream;
  #pending: string[] = [];
  #scheduled = false;

  constructor(out: NodeJS.WritableStream = process.stdout) {
    this.#out = out;
  }

  write(record: object): void {
    this.#pending.push(JSON.stringify(record));
    if (this.#pending.length >= 256) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.flush();
      });
    }
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const chunk = `${this.#pending.join("\n")}\n`;
    this.#pending = [];
    this.#out.write(chunk);
  }
}
