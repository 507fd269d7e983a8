import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { createRequire } from "node:module";
import { runId } from "../cluster/labels.js";
import type { ScenarioResult } from "../scenario/result.js";
import { reportPaths } from "./paths.js";
import { readScenarioResults } from "./scenario-results.js";
import { type Summary, countStatuses, mutationScore, summaryTable } from "./summary.js";

const PATHS = reportPaths();
export const SUMMARY_PATH = PATHS.summary;
export const ALLURE_REPORT = PATHS.allureReport;

/**
 * Allure 3's CLI, a runtime dependency. Its package exports no paths, so it is found by location: beside the main
 * entry Node resolves for it (hoisted or nested, wherever npm put it).
 */
function allureCli(): string {
  const main = createRequire(import.meta.url).resolve("allure");
  return join(main.slice(0, main.lastIndexOf(`${sep}dist${sep}`)), "cli.js");
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
export async function publish(options: {
  scenarioDirs: readonly string[];
  allureDirs: readonly string[];
  engine: string;
  startedAt: Date;
  out?: (s: string) => void;
  /** Where the summary and the Allure report go (default: reports/ or BROWNOUT_REPORTS_DIR). */
  paths?: ReturnType<typeof reportPaths>;
}): Promise<ScenarioResult[]> {
  const paths = options.paths ?? PATHS;
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const results = await readScenarioResults(options.scenarioDirs);
  const score = mutationScore(results);
  const profile = [...new Set(results.map((r) => r.profile ?? "fast"))].join("+") || "fast";
  const summary: Summary = { runId: runId(), startedAt: options.startedAt.toISOString(), engine: options.engine, profile, scenarios: results, ...(score ? { mutants: score } : {}) };
  await mkdir(dirname(paths.summary), { recursive: true });
  await writeFile(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
  const allure = generateAllure(options.allureDirs, paths.allureReport);
  out(`\nprofile: ${profile}\n${summaryTable(results)}\n\n`);
  const c = countStatuses(results);
  if (score) {
    out(`mutants: ${String(score.killedByBehaviour)} of ${String(score.total)} killed by a behavioural check (kill rate ${String(Math.round(score.killRate * 100))}%); ${String(score.killed - score.killedByBehaviour)} more red only by a control reading the changed setting back\n`);
    for (const s of score.survived) out(`  SURVIVED: ${s}\n`);
  }
  out(`${String(c.passed)} passed, ${String(c.failed)} failed, ${String(c.broken)} broken · ${paths.summary}`);
  out(allure.ok ? ` · ${paths.allureReport}/index.html\n` : `\nAllure report not generated:\n${allure.log.split("\n").slice(-20).join("\n")}\n`);
  return results;
}
