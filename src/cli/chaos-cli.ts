import "../images/testcontainers-setup.js";
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ensureEngine } from "../images/engine.js";
import { publish } from "../report/publish.js";
import { describeScenario } from "../scenario/dry-run.js";
import { SCENARIO_NAMES, scenarioByName } from "../scenario/registry.js";
import { SELECTION_ENV, type Selection, selectMutants, selectScenarios, shardOf } from "../scenario/select.js";
import { CHAOS_USAGE, parseChaosArgs } from "./chaos-args.js";
import { runCli } from "./errors.js";

const SCENARIO_DIR = "reports/scenarios";
const ALLURE_RESULTS = "reports/allure-results";

/** Runs the chaos project of the test runner with the selection in its environment; resolves with its exit code. */
function runVitest(selection: Selection): Promise<number> {
  const require = createRequire(import.meta.url);
  const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
  const child = spawn(process.execPath, [vitest, "run", "--project", "chaos"], {
    stdio: "inherit",
    env: { ...process.env, [SELECTION_ENV]: JSON.stringify(selection), BROWNOUT_VITEST_JSON: "reports/vitest/chaos.json" },
  });
  // Ctrl-C reaches the child through the terminal's process group; its teardown (and Ryuk) removes the containers.
  return new Promise((resolve) => child.on("exit", (code, signal) => { resolve(code ?? (signal ? 130 : 1)); }));
}

// `npm run chaos -- [names] [--list] [--dry-run] [--repeat N] [--seed S] [--shard i/n]`
await runCli(async () => {
  const args = parseChaosArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(CHAOS_USAGE);
    return 0;
  }
  const names = shardOf(selectScenarios(SCENARIO_NAMES, args.names), args.shard);
  const scenarios = names.flatMap((n) => scenarioByName(n) ?? []);
  // Checked before any engine is touched: an unknown mutant name is a usage error naming the valid ones.
  const pairs = args.mutants ? selectMutants(scenarios, args.mutants.only) : null;
  if (args.list) {
    process.stdout.write(`${(pairs ? pairs.map((p) => `${p.scenario.name} × ${p.mutant.name}`) : names).join("\n")}\n`);
    return 0;
  }
  if (args.dryRun) {
    for (const name of names) {
      const s = scenarioByName(name);
      if (s) process.stdout.write(`${describeScenario(s)}\n\n`);
    }
    process.stdout.write(`${String(names.length)} scenario(s) × ${String(args.repeat)}, seed ${String(args.seed)}${args.shard ? `, shard ${String(args.shard.index)}/${String(args.shard.count)}` : ""}; nothing started\n`);
    return 0;
  }
  if (names.length === 0 || pairs?.length === 0) {
    process.stdout.write(pairs ? "no mutant for these scenarios\n" : "no scenario in this shard\n");
    return 0;
  }
  const startedAt = new Date();
  const engine = await ensureEngine();
  // This run's results only: earlier runs' files would mix into the summary and the report.
  await Promise.all([rm(join(SCENARIO_DIR, "results"), { recursive: true, force: true }), rm(ALLURE_RESULTS, { recursive: true, force: true })]);
  const code = await runVitest({ names, repeat: args.repeat, seed: args.seed, ...(args.mutants ? { mutants: args.mutants } : {}) });
  const results = await publish({
    scenarioDirs: [SCENARIO_DIR],
    allureDirs: [ALLURE_RESULTS],
    engine: `Docker ${engine.serverVersion} (API ${engine.apiVersion})`,
    startedAt,
  });
  const expected = (pairs ? pairs.length : names.length) * args.repeat;
  if (results.length < expected) process.stderr.write(`brownout: only ${String(results.length)} of ${String(expected)} scenario runs reported a result\n`);
  // A mutation run succeeds when every mutant was killed (its scenario went red); a plain run when all passed.
  const bad = pairs ? results.some((r) => r.mutant?.killed !== true) : results.some((r) => r.status !== "passed");
  return code !== 0 || results.length < expected || bad ? 1 : 0;
});
