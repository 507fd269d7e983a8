import type { Completed, OpF } from "../workload/op.js";
import { type Bound, asBound } from "./bound.js";
import { type CheckResult, result, round } from "./check.js";

/**
 * Where asynchronous replication may lose acknowledged writes by design: those acknowledged within its lag window
 * before the primary died (`lagWindow` before `at`, up to `at` plus the same lateness). A write lost from any
 * other time is a real loss.
 */
export interface LossWindow {
  /** When the primary died (ms in the history). */
  readonly at: number;
  /** How far before `at` an acknowledged write may still have been unreplicated, with its derivation. */
  readonly lagWindow: Bound | number;
  /** How long after `at` an acknowledgement already sent may still arrive (the probe's lateness). */
  readonly lateMs: number;
}

export interface LostWriteOptions {
  readonly f: OpF;
  /** Keys the final read found (on the current primary, after heal and recovery); null when it could not read. */
  readonly present: ReadonlySet<string> | null;
  /**
   * The final read `present` came from (its `of`, `@node` when it read one node), when not the final read of `f`
   * itself: kept in the figures, so an outside checker knows which final-read op of the history to recompute with.
   */
  readonly finalRead?: string;
  /**
   * An op kind whose `ok` ops also took writes out (a queue's consumers): `present` holds their keys too. Kept in the
   * figures, so an outside checker adds them to the final read as this check did.
   */
  readonly consumedBy?: OpF;
  /** Only writes acknowledged before this instant count (ms in the history): what must have survived a fault. */
  readonly ackedBefore?: number;
  /** Only writes acknowledged after this instant count (ms in the history). */
  readonly ackedAfter?: number;
  /** Name suffix, when a scenario checks one kind of write against several final reads or windows (as `failover`). */
  readonly label?: string;
  /** Acknowledged writes the design may lose (asynchronous replication on failover): counted, not failed, inside this window only. */
  readonly allowLost?: LossWindow;
}

/** Every acknowledged write must be in the final read; unknown (`info`) writes are never counted as lost. */
export function lostWrites(ops: readonly Completed[], o: LostWriteOptions): CheckResult {
  const acked = ops.filter((w) => w.f === o.f && w.type === "ok" && w.value?.key !== undefined && w.end < (o.ackedBefore ?? Infinity) && w.end > (o.ackedAfter ?? -Infinity));
  const unknown = ops.filter((w) => w.f === o.f && w.type === "info").length;
  const name = `no lost ${o.f}${o.label ? ` ${o.label}` : ""}`;
  const from = { writes: o.f, finalRead: o.finalRead ?? o.f, ...(o.consumedBy !== undefined ? { consumedBy: o.consumedBy } : {}), ...(o.ackedBefore !== undefined ? { ackedBeforeMs: o.ackedBefore } : {}), ...(o.ackedAfter !== undefined ? { ackedAfterMs: o.ackedAfter } : {}) };
  if (!o.present) return result(name, "unknown", "the final read failed", { acknowledged: acked.length, lost: null, ...from });
  const present = o.present;
  const lost = acked.filter((w) => !present.has(w.value?.key ?? ""));
  const figures: Record<string, number | string | null> = { acknowledged: acked.length, lost: lost.length, unknown, ...from };
  if (acked.length === 0) return result(name, "unknown", `no acknowledged ${o.f}`, figures);
  const detail = `${String(acked.length)} acknowledged, ${String(lost.length)} lost, ${String(unknown)} unknown${lost.length ? ` (first lost: ${lost.slice(0, 3).map((w) => `${w.value?.key ?? ""} acked at ${String(round(w.end))} ms`).join(", ")})` : ""}`;
  const convicted = lost.length > 0 ? { convicted: { lost: lost.map((w) => w.id) } } : {};
  if (lost.length === 0 || !o.allowLost) return { ...result(name, lost.length === 0, detail, figures), ...convicted };
  const w = o.allowLost;
  const lag = asBound(w.lagWindow);
  const outside = lost.filter((x) => x.end < w.at - lag.ms || x.end > w.at + w.lateMs);
  // How long before the kill the earliest lost write was acknowledged: the loss window actually observed.
  figures.lostWindowMs = round(Math.max(0, w.at - Math.min(...lost.map((x) => x.end))));
  figures.lagWindowMs = lag.ms;
  return {
    ...convicted,
    ...result(
      name,
      outside.length === 0,
      outside.length === 0
        ? `${detail}; allowed by design (asynchronous replication): each was acknowledged within the lag window, ${String(figures.lostWindowMs)} ms before the kill at most (window ${lag.derivation})`
        : `${detail}; ${String(outside.length)} lost outside the lag window (${lag.derivation} before the kill, ${String(w.lateMs)} ms after), first acked at ${String(round(outside[0]?.end ?? 0))} ms`,
      figures,
    ),
  };
}
