import { probeEngine } from "../images/engine.js";
import { reportsDir } from "../report/paths.js";
import { publish } from "../report/publish.js";
import { parseOrUsage } from "./chaos-args.js";

export const REPORT_USAGE = `usage: brownout report [<shard dir>...]
Merges the results of one or more runs (shards: each dir is what one \`brownout chaos --shard i/n\` left in its
reports dir) into one summary.json and one Allure report in reports/ (or BROWNOUT_REPORTS_DIR).`;

/** `brownout report [<shard dir>...]`: merges shards' results into one summary.json and one Allure report. */
export async function reportCommand(args: readonly string[]): Promise<number> {
  const { values, positionals: dirs } = parseOrUsage({ args: [...args], options: { help: { type: "boolean", short: "h" } }, allowPositionals: true } as const, "brownout report --help");
  if (values.help) {
    process.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  const roots = dirs.length > 0 ? dirs : [reportsDir()];
  // Merging needs no engine: name it if one answers, never start one.
  const status = await probeEngine();
  const engine = status.kind === "up" ? `Docker ${status.serverVersion} (API ${status.apiVersion})` : "none answering (merged offline)";
  const results = await publish({
    scenarioDirs: roots.map((r) => `${r}/scenarios`),
    allureDirs: roots.map((r) => `${r}/allure-results`),
    engine,
    startedAt: new Date(),
  });
  // A scenario row must pass; a mutant row must have been killed (its scenario went red under the regression).
  return results.some((r) => (r.mutant ? !r.mutant.killed : r.status !== "passed")) ? 1 : 0;
}
