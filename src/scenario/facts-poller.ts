import { Worker } from "node:worker_threads";
import type { FactsSnapshot, SteadyStateFacts } from "../stack/index.js";

type Reply = { ok: true; result: { facts: SteadyStateFacts; problems: string[] } } | { ok: false; error: string };

/** Steady-state facts gathered on a worker thread, one look at a time. */
export class FactsPoller {
  readonly #worker = new Worker(new URL("./facts-worker.mjs", import.meta.url));

  look(snapshot: FactsSnapshot): Promise<{ facts: SteadyStateFacts; problems: string[] }> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        reject(e);
      };
      this.#worker.once("error", onError);
      this.#worker.once("message", (reply: Reply) => {
        this.#worker.off("error", onError);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      });
      this.#worker.postMessage(snapshot);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
