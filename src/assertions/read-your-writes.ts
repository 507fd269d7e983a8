import type { Completed } from "../workload/op.js";
import { type CheckResult, type Span, result, round, within } from "./check.js";

/** The client an op belongs to: process names are `<client>/<probe>`, so a client's writer and reader pair up. */
export const clientOf = (process: string): string => process.split("/")[0] ?? process;

/**
 * Read-your-writes: after a client's write of a key is acknowledged, that client's reads of the key return
 * that version or newer.
 */
export function readYourWrites(ops: readonly Completed[], span?: Span): CheckResult {
  const writes = ops.filter((o) => o.f === "product-write" && o.type === "ok" && o.value?.version !== undefined && o.process.includes("/"));
  let reads = 0;
  const violations: { at: number; key: string; read: number; wrote: number }[] = [];
  for (const r of ops) {
    if (r.f !== "product-read" || r.type !== "ok" || !r.process.includes("/") || !within(r.start, span)) continue;
    reads++;
    const client = clientOf(r.process);
    const mine = writes.filter((w) => clientOf(w.process) === client && w.value?.key === r.value?.key && w.end < r.start);
    const wrote = mine.reduce((m, w) => Math.max(m, w.value?.version ?? 0), 0);
    const read = r.value?.version ?? 0;
    if (read < wrote) violations.push({ at: r.start, key: r.value?.key ?? "", read, wrote });
  }
  const figures = { reads, violations: violations.length };
  if (reads === 0) return result("read your writes", "unknown", "no client read after its own writes", figures);
  const v = violations[0];
  return result(
    "read your writes",
    violations.length === 0,
    v ? `${String(violations.length)} of ${String(reads)} reads missed the client's own acknowledged write; first at ${round(v.at)} ms: ${v.key} v${String(v.read)} after writing v${String(v.wrote)}` : `${String(reads)} reads, each saw the client's own writes`,
    figures,
  );
}
