import type { ScenarioResult } from "../scenario/result.js";

/** One row of a side-by-side comparison: what it says, and its value for each run. */
export interface ComparedRow {
  readonly what: string;
  readonly values: readonly string[];
}

const ms = (n: number | null | undefined): string => (n === undefined ? "-" : n === null ? "never" : `${String(Math.round(n))} ms`);

/**
 * Runs side by side, as a failover's users feel them (manual runbook against automatic failover, one profile
 * against another): writes lost, the writes' downtime against its bound, the recovery after the heal, and the
 * checks that went red. Every figure is the run's own, from its result; "-" where a run does not measure it.
 */
export function compareRuns(runs: readonly ScenarioResult[]): ComparedRow[] {
  const row = (what: string, value: (r: ScenarioResult) => string): ComparedRow => ({ what, values: runs.map(value) });
  return [
    row("profile", (r) => r.profile ?? "fast"),
    row("status", (r) => `${r.status}${r.mutant ? ` (mutant ${r.mutant.name}: ${r.mutant.killed ? "killed" : "survived"})` : ""}`),
    row("writes lost", (r) => (r.writes ? `${String(r.writes.lost)} of ${String(r.writes.acknowledged)}${r.writes.kinds?.length ? ` (${r.writes.kinds.join(", ")})` : ""}` : "-")),
    row("downtime: first failed write to served again / bound", (r) => (r.failoverMs === undefined ? "-" : `${ms(r.failoverMs)} / ${ms(r.boundMs)}`)),
    row("recovered after the heal", (r) => ms(r.recoveryMs)),
    row("documented weaknesses measured", (r) => (r.findings ? Object.entries(r.findings).map(([k, v]) => `${k} ${String(v)}`).join(", ") : "-")),
    row("checks red", (r) => r.checks.filter((c) => c.valid === false).map((c) => c.name).join("; ") || "none"),
  ];
}

/** The comparison as a Markdown table, one column per run (headed by its scenario and, under a mutant, the mutant). */
export function comparisonMarkdown(runs: readonly ScenarioResult[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const head = ["", ...runs.map((r) => `${r.name}${r.repeat > 0 ? ` #${String(r.repeat + 1)}` : ""}${r.mutant ? ` × ${r.mutant.name}` : ""}`)];
  const lines = [head, head.map(() => "---"), ...compareRuns(runs).map((r) => [r.what, ...r.values])];
  return `${lines.map((l) => `| ${l.map(cell).join(" | ")} |`).join("\n")}\n`;
}
