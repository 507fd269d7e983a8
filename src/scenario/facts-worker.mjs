// Entry of the facts worker: TypeScript is loaded through tsx's loader, whatever started the parent (tsx, vitest).
import { register } from "tsx/esm/api";

register();
await import("./facts-worker.ts");
