import "../images/testcontainers-setup.js";
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { profileByName } from "../cluster/profiles.js";
import { ensureEngine } from "../images/engine.js";
import { reportPaths } from "../report/paths.js";
import { publish } from "../report/publish.js";
import { describeScenario } from "../scenario/dry-run.js";
import { INTERRUPT_FILE_ENV, PARENT_PID_ENV } from "../scenario/interrupt.js";
import { SCENARIO_NAMES, scenarioByName } from "../scenario/registry.js";
import { SELECTION_ENV, type Selection, selectMutants, selectScenarios, shardOf } from "../scenario/select.js";
import { CHAOS_USAGE, parseChaosArgs } from "./chaos-args.js";
import { runCli } from "./errors.js";

const PATHS = reportPaths();

/**
 * Runs the chaos project of the test runner with the selection in its environment; resolves with its exit code
 * and whether the run was interrupted. The runner gets a process group of its own, so a terminal's Ctrl-C reaches
 * this process only: the first Ctrl-C (or SIGTERM) asks the run to stop through the interrupt file (the running
 * scenario heals and removes its topology, the rest are skipped), the second kills the group at once (Ryuk reaps).
 */
async function runVitest(selection: Selection): Promise<{ code: number; interrupted: boolean }> {
  const require = createRequire(import.meta.url);
  const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
  const interruptFile = join(tmpdir(), `brownout-interrupt-${String(process.pid)}-${String(Date.now())}`);
  const child = spawn(process.execPath, [vitest, "run", "--project", "chaos"], {
    stdio: "inherit",
    detached: true,
    env: {
      ...process.env,
      [SELECTION_ENV]: JSON.stringify(selection),
      BROWNOUT_VITEST_JSON: PATHS.vitestJson("chaos.json"),
      [INTERRUPT_FILE_ENV]: interruptFile,
      [PARENT_PID_ENV]: String(process.pid),
    },
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      process.stderr.write(`\nbrownout: ${signal} again: stopping at once (Ryuk removes what is left)\n`);
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\nbrownout: ${signal}: healing the faults in force, removing the topology, writing the partial report (Ctrl-C again to stop at once)\n`);
    writeFileSync(interruptFile, `${signal}\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await new Promise<number>((resolve) => child.on("exit", (c, signal) => { resolve(c ?? (signal ? 130 : 1)); }));
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  rmSync(interruptFile, { force: true });
  return { code, interrupted };
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
      if (s) process.stdout.write(`${describeScenario(s, profileByName(args.profile))}\n\n`);
    }
    process.stdout.write(`${String(names.length)} scenario(s) × ${String(args.repeat)}, profile ${args.profile}, seed ${String(args.seed)}${args.shard ? `, shard ${String(args.shard.index)}/${String(args.shard.count)}` : ""}; nothing started\n`);
    return 0;
  }
  if (names.length === 0 || pairs?.length === 0) {
    process.stdout.write(pairs ? "no mutant for these scenarios\n" : "no scenario in this shard\n");
    return 0;
  }
  const startedAt = new Date();
  const engine = await ensureEngine();
  // This run's results only: earlier runs' files would mix into the summary and the report.
  await Promise.all([rm(join(PATHS.scenarios, "results"), { recursive: true, force: true }), rm(PATHS.allureResults, { recursive: true, force: true })]);
  const { code, interrupted } = await runVitest({ names, repeat: args.repeat, seed: args.seed, plain: !args.mutants, profile: args.profile, ...(args.mutants ? { mutants: args.mutants } : {}) });
  const results = await publish({
    scenarioDirs: [PATHS.scenarios],
    allureDirs: [PATHS.allureResults],
    engine: `Docker ${engine.serverVersion} (API ${engine.apiVersion})`,
    startedAt,
  });
  // Interrupted: the partial summary and report are written above; the exit code says it was cut short.
  if (interrupted) return 130;
  const expected = (pairs ? pairs.length : names.length) * args.repeat;
  if (results.length < expected) process.stderr.write(`brownout: only ${String(results.length)} of ${String(expected)} scenario runs reported a result\n`);
  // A mutation run succeeds when every mutant was killed (its scenario went red); a plain run when all passed.
  const bad = pairs ? results.some((r) => r.mutant?.killed !== true) : results.some((r) => r.status !== "passed");
  return code !== 0 || results.length < expected || bad ? 1 : 0;
});
