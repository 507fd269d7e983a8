import type { ScenarioResult } from "../scenario/result.js";

export interface Summary {
  readonly runId: string;
  readonly startedAt: string;
  readonly engine: string;
  readonly scenarios: readonly ScenarioResult[];
}

const cell = (v: number | null | undefined, unit = " ms") => (v === undefined ? "-" : v === null ? "never" : `${String(v)}${unit}`);

/** The closing table: scenario, status, failover, recovery, stale reads, sessions kept/lost, writes lost. */
export function summaryTable(results: readonly ScenarioResult[]): string {
  const head = ["scenario", "status", "failover", "recovery", "stale reads", "sessions kept/lost", "writes lost"];
  const rows = results.map((r) => [
    r.repeat > 0 ? `${r.name} #${String(r.repeat + 1)}` : r.name,
    r.status,
    r.failoverMs === undefined ? "-" : `${cell(r.failoverMs)}${r.resolutionMs ? ` ±${String(r.resolutionMs)}` : ""}`,
    cell(r.recoveryMs),
    r.staleReads ? `${String(r.staleReads.count)} (max ${String(r.staleReads.maxStalenessMs)} ms)` : "-",
    r.sessions ? `${String(r.sessions.kept)}/${String(r.sessions.lost)}` : "-",
    r.writes ? `${String(r.writes.lost)} of ${String(r.writes.acknowledged)}` : "-",
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
