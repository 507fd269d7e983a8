import type { Completed, OpF } from "../workload/op.js";
import { type CheckResult, result } from "./check.js";

export interface LostWriteOptions {
  readonly f: OpF;
  /** Keys the final read found (on the current primary, after heal and recovery); null when it could not read. */
  readonly present: ReadonlySet<string> | null;
  /** Acknowledged writes the design may lose (asynchronous replication on failover): counted, not failed. */
  readonly allowLost?: boolean;
}

/** Every acknowledged write must be in the final read; unknown (`info`) writes are never counted as lost. */
export function lostWrites(ops: readonly Completed[], o: LostWriteOptions): CheckResult {
  const acked = ops.filter((w) => w.f === o.f && w.type === "ok" && w.value?.key !== undefined).map((w) => w.value?.key ?? "");
  const unknown = ops.filter((w) => w.f === o.f && w.type === "info").length;
  const name = `no lost ${o.f}`;
  if (!o.present) return result(name, "unknown", "the final read failed", { acknowledged: acked.length, lost: null });
  const present = o.present;
  const lost = acked.filter((k) => !present.has(k));
  const figures = { acknowledged: acked.length, lost: lost.length, unknown };
  if (acked.length === 0) return result(name, "unknown", `no acknowledged ${o.f}`, figures);
  const detail = `${String(acked.length)} acknowledged, ${String(lost.length)} lost, ${String(unknown)} unknown${lost.length ? ` (first lost: ${lost.slice(0, 3).join(", ")})` : ""}`;
  if (lost.length > 0 && o.allowLost) return result(name, true, `${detail}; allowed by design (asynchronous replication)`, figures);
  return result(name, lost.length === 0, detail, figures);
}
