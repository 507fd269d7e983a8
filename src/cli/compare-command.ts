import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { EXIT_USAGE, UserError } from "../errors.js";
import { comparisonMarkdown, compareRuns } from "../report/compare.js";
import { reportPaths } from "../report/paths.js";
import type { ScenarioResult } from "../scenario/result.js";
import { parseOrUsage } from "./chaos-args.js";

export const COMPARE_USAGE = `usage: brownout compare <run>... [--json]
Prints runs side by side, as a Markdown table: writes lost, the writes' downtime against its bound, the recovery
after the heal, the checks that went red. A run is a run's folder (reports/scenarios/<scenario>[--<mutant>]), its
result.json, or the folder's name under reports/scenarios (or BROWNOUT_REPORTS_DIR). --json prints the rows.`;

/** `brownout compare <run>...`: runs side by side (a manual runbook against automatic failover, fast against production). */
export function compareCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOrUsage({ args: [...args], options: { help: { type: "boolean", short: "h" }, json: { type: "boolean" } }, allowPositionals: true } as const, "brownout compare --help");
  if (values.help) {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return Promise.resolve(0);
  }
  if (positionals.length === 0) throw new UserError("compare needs at least one run", { exitCode: EXIT_USAGE, hint: "brownout compare --help" });
  const runs = positionals.map(readRun);
  process.stdout.write(values.json ? `${JSON.stringify(compareRuns(runs), null, 2)}\n` : comparisonMarkdown(runs));
  return Promise.resolve(0);
}

/** A run's result, from its folder, its result.json, or its folder's name under the reports dir. */
function readRun(arg: string): ScenarioResult {
  const scenarios = reportPaths().scenarios;
  const candidates = [arg, join(scenarios, arg)];
  for (const c of candidates) {
    const file = existsSync(c) && statSync(c).isDirectory() ? join(c, "result.json") : c;
    if (!existsSync(file) || statSync(file).isDirectory()) continue;
    try {
      const r = JSON.parse(readFileSync(file, "utf8")) as Partial<ScenarioResult>;
      if (typeof r.name !== "string" || !Array.isArray(r.checks)) throw new Error("not a run's result");
      return r as ScenarioResult;
    } catch (e) {
      throw new UserError(`${file} is not a run's result.json (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const known = existsSync(scenarios) ? readdirSync(scenarios).filter((d) => existsSync(join(scenarios, d, "result.json"))).sort() : [];
  throw new UserError(`no run '${arg}': not a result.json, a run's folder, or a run under ${scenarios}; runs there: ${known.join(", ") || "none"}`, { exitCode: EXIT_USAGE });
}
