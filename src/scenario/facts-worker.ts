import { parentPort } from "node:worker_threads";
import { type FactsSnapshot, gatherFacts, partsFromSnapshot } from "../stack/facts.js";

// Gathers steady-state facts on its own thread: a look opens a dozen connections, and on the runner's thread that
// work would delay the probes' timers by tens of milliseconds.
parentPort?.on("message", (snapshot: FactsSnapshot) => {
  gatherFacts(partsFromSnapshot(snapshot)).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (e: unknown) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
