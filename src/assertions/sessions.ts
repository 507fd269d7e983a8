import type { Completed } from "../workload/op.js";
import { type CheckResult, result } from "./check.js";

export interface SessionCount {
  readonly kept: number;
  readonly lost: number;
}

/**
 * Each session-read process follows one session made before the fault. It is lost when the store said it does
 * not know it (401), or the probe saw the session gone (note `session:lost`), at any point after `from`; kept
 * when its reads after `settledAt` succeed.
 */
export function countSessions(ops: readonly Completed[], from: number, settledAt: number, f = "session-read"): Record<string, SessionCount & { unknown: number }> {
  const byProcess = new Map<string, Completed[]>();
  for (const o of ops) {
    if (o.f !== f) continue;
    const list = byProcess.get(o.process);
    if (list) list.push(o);
    else byProcess.set(o.process, [o]);
  }
  const out: Record<string, { kept: number; lost: number; unknown: number }> = {};
  for (const list of byProcess.values()) {
    const store = list[0]?.value?.store ?? "unknown";
    const c = (out[store] ??= { kept: 0, lost: 0, unknown: 0 });
    // Forgotten: the store said so (401), or the answer was not the user's page (a probe's sessionLost).
    const forgotten = list.some((o) => o.start >= from && (o.value?.status === 401 || o.value?.note === "session:lost"));
    const late = list.filter((o) => o.start >= settledAt);
    if (forgotten) c.lost++;
    else if (late.length > 0 && late.every((o) => o.type === "ok")) c.kept++;
    else c.unknown++;
  }
  return out;
}

export interface SessionOptions {
  readonly from: number;
  readonly settledAt: number;
  /** Stores whose sessions the design may lose (memory, when its site goes). */
  readonly mayLose?: readonly string[];
  /** Stores whose sessions must be seen lost: the documented behaviour, observed. */
  readonly mustLose?: readonly string[];
  /** The op kind of session reads (default session-read; 401 means the session was forgotten). */
  readonly f?: string;
}

export function sessions(ops: readonly Completed[], o: SessionOptions): CheckResult {
  const counts = countSessions(ops, o.from, o.settledAt, o.f);
  const kept = Object.values(counts).reduce((n, c) => n + c.kept, 0);
  const lost = Object.values(counts).reduce((n, c) => n + c.lost, 0);
  const problems: string[] = [];
  let unknown = false;
  for (const [store, c] of Object.entries(counts)) {
    if (c.lost > 0 && !(o.mayLose ?? []).includes(store) && !(o.mustLose ?? []).includes(store)) problems.push(`${String(c.lost)} ${store} session(s) lost`);
    if (c.unknown > 0) unknown = true;
  }
  for (const store of o.mustLose ?? []) {
    const c = counts[store];
    if (!c || c.lost === 0) problems.push(`${store} sessions were expected to be lost (documented) but ${c ? `${String(c.kept)} were kept` : "none were probed"}`);
  }
  const detail = Object.entries(counts).map(([s, c]) => `${s}: ${String(c.kept)} kept, ${String(c.lost)} lost${c.unknown ? `, ${String(c.unknown)} unknown` : ""}`).join("; ");
  const figures = { kept, lost };
  if (Object.keys(counts).length === 0) return result("sessions", "unknown", "no session reads", figures);
  if (problems.length > 0) return result("sessions", false, `${problems.join("; ")} (${detail})`, figures);
  return result("sessions", unknown ? "unknown" : true, detail, figures);
}
