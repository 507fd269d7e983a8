// Entry of the facts worker. Built (dist/), the worker's JavaScript sits beside this file; from the sources, its
// TypeScript is loaded through tsx's loader, whatever started the parent (tsx, vitest).
/* global URL */
import { existsSync } from "node:fs";

if (existsSync(new URL("./facts-worker.js", import.meta.url))) {
  await import("./facts-worker.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./facts-worker.ts");
}
