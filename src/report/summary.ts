import type { ScenarioResult } from "../scenario/result.js";

export interface Summary {
  readonly runId: string;
  readonly startedAt: string;
  readonly engine: string;
  /** The timing profile(s) the runs used: one name, or several joined by "+" when shards differ. */
  readonly profile: string;
  readonly scenarios: readonly ScenarioResult[];
  /** Present when the run had mutant rows: how many were killed, and which survived. */
  readonly mutants?: MutationScore;
}

export interface MutationScore {
  readonly total: number;
  /** Red for any reason, a control reading the changed setting back included. */
  readonly killed: number;
  /** Red by a behavioural check: what the kill rate counts. */
  readonly killedByBehaviour: number;
  /** killedByBehaviour / total, 0 to 1: a mutant only a read-back control caught proves the control, not the scenario. */
  readonly killRate: number;
  /** `<scenario> × <mutant>` red only by controls that read the changed setting back. */
  readonly readbackOnly: readonly string[];
  /** `<scenario> × <mutant>`, with the checks that stayed green... (all of them, for a survivor). */
  readonly survived: readonly string[];
}

export function mutationScore(results: readonly ScenarioResult[]): MutationScore | null {
  const rows = results.filter((r) => r.mutant);
  if (rows.length === 0) return null;
  const killed = rows.filter((r) => r.mutant?.killed).length;
  const behaviour = rows.filter((r) => r.mutant?.killedByBehaviour).length;
  return {
    total: rows.length,
    killed,
    killedByBehaviour: behaviour,
    killRate: Math.round((behaviour / rows.length) * 1000) / 1000,
    readbackOnly: rows.filter((r) => r.mutant?.killed && !r.mutant.killedByBehaviour).map((r) => `${r.name} × ${r.mutant?.name ?? "?"}`),
    survived: rows.filter((r) => !r.mutant?.killed).map((r) => `${r.name} × ${r.mutant?.name ?? "?"} (${r.status}${r.error ? `: ${r.error}` : ""})`),
  };
}

const cell = (v: number | null | undefined, unit = " ms") => (v === undefined ? "-" : v === null ? "never" : `${String(v)}${unit}`);

/** A scenario's findings in one cell: `lostWrites=30 lostFromMs=253 ...`. */
export const findingsCell = (f: ScenarioResult["findings"]): string =>
  f ? Object.entries(f).map(([k, v]) => `${k}=${String(v)}`).join(" ") : "-";

/** Who killed a mutant: its behavioural checks first; "read-back only" when only a control reading the setting did. */
function killedBy(m: NonNullable<ScenarioResult["mutant"]>): string {
  if (!m.killed) return "SURVIVED";
  const names = m.killedByBehaviour ? m.byBehaviour : m.by;
  return `${m.killedByBehaviour ? "" : "read-back only: "}${names.slice(0, 2).join("; ")}${names.length > 2 ? ` (+${String(names.length - 2)})` : ""}`;
}

/** The closing table: scenario, status, failover, recovery, stale reads, sessions kept/lost, writes lost, findings. */
export function summaryTable(results: readonly ScenarioResult[]): string {
  const mutants = results.some((r) => r.mutant);
  const findingsShown = results.some((r) => r.findings);
  const head = ["scenario", ...(mutants ? ["mutant", "killed by"] : []), "status", "failover (bound)", "recovery", "stale reads", "sessions kept/lost", "writes lost", ...(findingsShown ? ["findings"] : [])];
  const rows = results.map((r) => [
    r.repeat > 0 ? `${r.name} #${String(r.repeat + 1)}` : r.name,
    ...(mutants ? [r.mutant?.name ?? "-", r.mutant ? killedBy(r.mutant) : "-"] : []),
    r.status,
    r.failoverMs === undefined ? "-" : `${cell(r.failoverMs)}${r.resolutionMs ? ` ±${String(r.resolutionMs)}` : ""}${r.boundMs !== undefined ? ` (${String(r.boundMs)})` : ""}`,
    cell(r.recoveryMs),
    r.staleReads ? `${String(r.staleReads.count)} (max ${String(r.staleReads.maxStalenessMs)} ms)` : "-",
    r.sessions ? `${String(r.sessions.kept)}/${String(r.sessions.lost)}` : "-",
    r.writes ? `${String(r.writes.lost)} of ${String(r.writes.acknowledged)}${r.writes.kinds?.length ? ` ${r.writes.kinds.join(",")}` : ""}` : "-",
    ...(findingsShown ? [findingsCell(r.findings)] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cols: readonly string[]) => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function countStatuses(results: readonly ScenarioResult[]): Record<ScenarioResult["status"], number> {
  return {
    passed: results.filter((r) => r.status === "passed").length,
    failed: results.filter((r) => r.status === "failed").length,
    broken: results.filter((r) => r.status === "broken").length,
  };
}
