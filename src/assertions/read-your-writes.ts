import type { Completed, OpF } from "../workload/op.js";
import { type CheckResult, type Span, result, round, within } from "./check.js";
import { VersionIndex } from "./version-index.js";

/** The client an op belongs to: process names are `<client>/<probe>`, so a client's writer and reader pair up. */
export const clientOf = (process: string): string => process.split("/")[0] ?? process;

export interface RywOptions {
  readonly write: OpF;
  readonly read: OpF;
  readonly span?: Span;
}

/**
 * Read-your-writes: once a client's write of a key is acknowledged, that client's reads of the key find it, at
 * that version or newer. A read answered 404 (not found) after the write's acknowledgement is a violation; a read
 * that failed otherwise (5xx, timeout) proves nothing.
 */
export function readYourWrites(ops: readonly Completed[], o: RywOptions): CheckResult {
  // Each client's acknowledged writes of each key (n·log n over the history).
  const groupOf = (op: Completed) => `${clientOf(op.process)}\u0000${op.value?.key ?? ""}`;
  const writes = ops.filter((w) => w.f === o.write && w.type === "ok" && w.value?.key !== undefined && w.process.includes("/"));
  const index = new VersionIndex(writes, groupOf);
  let reads = 0;
  const violations: { at: number; key: string; read: string; wrote: number }[] = [];
  for (const r of ops) {
    if (r.f !== o.read || !r.process.includes("/") || !within(r.start, o.span)) continue;
    const notFound = r.type === "fail" && r.value?.status === 404;
    if (r.type !== "ok" && !notFound) continue;
    const mine = index.before(groupOf(r), r.start);
    if (!mine) continue;
    reads++;
    const wrote = mine.maxVersion;
    const read = r.value?.version;
    if (notFound || (read ?? 0) < wrote) violations.push({ at: r.start, key: r.value?.key ?? "", read: notFound ? "not found" : `v${String(read)}`, wrote });
  }
  const figures = { reads, violations: violations.length };
  if (reads === 0) return result("read your writes", "unknown", "no client read after its own acknowledged writes", figures);
  const v = violations[0];
  return result(
    "read your writes",
    violations.length === 0,
    v
      ? `${String(violations.length)} of ${String(reads)} reads missed the client's own acknowledged write; first at ${round(v.at)} ms: ${v.key} ${v.read} after writing v${String(v.wrote)}`
      : `${String(reads)} reads, each saw the client's own writes`,
    figures,
  );
}
