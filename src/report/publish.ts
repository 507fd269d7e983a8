import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runId } from "../cluster/labels.js";
import type { ScenarioResult } from "../scenario/result.js";
import { reportPaths } from "./paths.js";
import { readScenarioResults } from "./scenario-results.js";
import { type Summary, countStatuses, mutationScore, summaryTable } from "./summary.js";

const PATHS = reportPaths();
export const SUMMARY_PATH = PATHS.summary;
export const ALLURE_REPORT = PATHS.allureReport;

/** Allure 3's CLI, from the project's own dependency (its package exports no paths, so found by location). */
function allureCli(): string {
  return fileURLToPath(new URL("../../node_modules/allure/cli.js", import.meta.url));
}

/** Builds the Allure HTML report from one or more results folders; returns the log when it fails. */
export function generateAllure(resultsDirs: readonly string[], out = ALLURE_REPORT): { ok: boolean; log: string } {
  const dirs = resultsDirs.filter((d) => existsSync(d));
  if (dirs.length === 0) return { ok: false, log: `no Allure results in ${resultsDirs.join(", ")}` };
  const r = spawnSync(process.execPath, [allureCli(), "generate", ...dirs, "--output", out, "--report-name", "Brownout chaos suite"], { encoding: "utf8" });
  return { ok: r.status === 0, log: `${r.stdout}${r.stderr}` };
}

/**
 * Merges the scenario results of one or more runs (shards) into reports/summary.json and the Allure report,
 * prints the closing table, and returns the results.
 */
export async function publish(options: { scenarioDirs: readonly string[]; allureDirs: readonly string[]; engine: string; startedAt: Date; out?: (s: string) => void }): Promise<ScenarioResult[]> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const results = await readScenarioResults(options.scenarioDirs);
  const score = mutationScore(results);
  const profile = [...new Set(results.map((r) => r.profile ?? "fast"))].join("+") || "fast";
  const summary: Summary = { runId: runId(), startedAt: options.startedAt.toISOString(), engine: options.engine, profile, scenarios: results, ...(score ? { mutants: score } : {}) };
  await mkdir(dirname(SUMMARY_PATH), { recursive: true });
  await writeFile(SUMMARY_PATH, `${JSON.stringify(summary, null, 2)}\n`);
  const allure = generateAllure(options.allureDirs);
  out(`\nprofile: ${profile}\n${summaryTable(results)}\n\n`);
  const c = countStatuses(results);
  if (score) {
    out(`mutants: ${String(score.killed)} of ${String(score.total)} killed (kill rate ${String(Math.round(score.killRate * 100))}%)\n`);
    for (const s of score.survived) out(`  SURVIVED: ${s}\n`);
  }
  out(`${String(c.passed)} passed, ${String(c.failed)} failed, ${String(c.broken)} broken · ${SUMMARY_PATH}`);
  out(allure.ok ? ` · ${ALLURE_REPORT}/index.html\n` : `\nAllure report not generated:\n${allure.log.split("\n").slice(-20).join("\n")}\n`);
  return results;
}
