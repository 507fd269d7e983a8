import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { EXIT_USAGE, UserError } from "../errors.js";
import { ensureEngine } from "../images/engine.js";
import { ensureImages } from "../images/ensure-images.js";
import { plainProgress } from "../images/progress.js";
import { reportPaths, reportsDir } from "../report/paths.js";
import { publish } from "../report/publish.js";
import { runSucceeded, runSuite, suiteRuns } from "../runner/suite.js";
import { imageRolesOf } from "../kinds/app/image.js";
import type { Profile } from "../cluster/profiles.js";
import { resolveSpec } from "../cluster/topology.js";
import { deployedOptions, intendedOptions } from "../scenario/define.js";
import { describeScenario } from "../scenario/dry-run.js";
import { describeRendered, renderScenarioConfigs, writeRenderedConfigs } from "../scenario/dry-run-configs.js";
import { ScenarioRegistry } from "../scenario/registry.js";
import { soakScenario } from "../scenario/soak.js";
import { selectScenarios, shardOf } from "../scenario/select.js";
import { CHAOS_USAGE, type ChaosArgs, parseChaosArgs } from "./chaos-args.js";

function profileOf(config: LoadedConfig, name: string): Profile {
  const p = config.profiles[name];
  if (!p) throw new UserError(`unknown profile '${name}'; profiles are: ${Object.keys(config.profiles).join(", ")}`, { exitCode: EXIT_USAGE });
  return p;
}

/**
 * Ctrl-C and SIGTERM while a suite runs: the first aborts (the running scenario heals, removes its topology and
 * reports itself broken; the partial summary and report are written), the second stops at once (Ryuk reaps).
 */
function interruptOnSignals(): { signal: AbortSignal; dispose: () => void; interrupted: () => boolean } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\nbrownout: ${signal} again: stopping at once (Ryuk removes what is left)\n`);
      process.exit(130);
    }
    process.stderr.write(`\nbrownout: ${signal}: healing the faults in force, removing the topology, writing the partial report (Ctrl-C again to stop at once)\n`);
    controller.abort(new Error(`interrupted (${signal})`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    interrupted: () => controller.signal.aborted,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

export type ChaosMode = "chaos" | "list" | "dry-run";

/** `--soak D`: the config with one scenario, its soak under the seed's schedule (scenario names are refused). */
function soakConfig(config: LoadedConfig, args: ChaosArgs): LoadedConfig {
  if (!config.soak) throw new UserError(`${config.file} defines no soak: add 'soak: { base, catalog, gapMs }' to its config (see docs/api.md)`, { exitCode: EXIT_USAGE });
  if (args.names.length > 0) throw new UserError(`--soak runs the config's soak, not named scenarios (got ${args.names.join(", ")})`, { exitCode: EXIT_USAGE });
  const soak = soakScenario(config.soak.base, { seed: args.seed, durationMs: args.soakMs ?? 0, catalog: config.soak.catalog, gapMs: config.soak.gapMs }, config.soak.checks);
  return { ...config, registry: new ScenarioRegistry([soak]) };
}

/** `brownout chaos|list|dry-run [<scenario>...] [flags]`: selection and checks happen before any engine is touched. */
export async function chaosCommand(argv: readonly string[], mode: ChaosMode = "chaos"): Promise<number> {
  const parsed = parseChaosArgs(argv);
  const args: ChaosArgs = { ...parsed, list: parsed.list || mode === "list", dryRun: parsed.dryRun || mode === "dry-run" };
  if (args.help) {
    process.stdout.write(CHAOS_USAGE);
    return 0;
  }
  const loaded = await loadConfig(args.config === undefined ? {} : { file: args.config });
  const config = args.soakMs === null ? loaded : soakConfig(loaded, args);
  const profile = profileOf(config, args.profile);
  const names = shardOf(selectScenarios(config.registry.names, args.names), args.shard);
  // Unknown mutant names are a usage error naming the valid ones, raised here, before any engine.
  const runs = suiteRuns({ config, names, repeat: 1, plain: !args.mutants, mutants: args.mutants });
  if (args.list) {
    process.stdout.write(runs.length > 0 ? `${runs.map((r) => (r.mutant ? `${r.scenario.name} × ${r.mutant.name}` : r.scenario.name)).join("\n")}\n` : "");
    return 0;
  }
  if (args.dryRun) {
    // Every config file each scenario and each of its mutants would deploy, rendered and written for review.
    const dir = join(reportPaths(process.env.BROWNOUT_REPORTS_DIR ?? config.reportsDir ?? reportsDir()).root, "dry-run");
    await rm(dir, { recursive: true, force: true });
    const broken: string[] = [];
    for (const name of names) {
      const s = config.registry.byName(name);
      if (!s) continue;
      const rendered = renderScenarioConfigs(s, profile, config.stack);
      await writeRenderedConfigs(dir, rendered);
      broken.push(...rendered.mutants.filter((m) => m.error !== undefined).map((m) => `${s.name} × ${m.mutant}: ${m.error ?? ""}`));
      process.stdout.write(`${[describeScenario(s, profile, config.stack), ...describeRendered(rendered, dir)].join("\n")}\n\n`);
    }
    process.stdout.write(`${String(names.length)} scenario(s) × ${String(args.repeat)}, profile ${profile.name}, seed ${String(args.seed)}${args.shard ? `, shard ${String(args.shard.index)}/${String(args.shard.count)}` : ""}; nothing started\n`);
    if (broken.length > 0) throw new UserError(`${String(broken.length)} mutant(s) do not render: a patch's text is not in the config it edits`, { details: broken.join("\n"), hint: "fix the patch's `find` to match the rendered file (see the plain run's files under the dry-run folder)" });
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(args.mutants ? "no mutant for these scenarios\n" : "no scenario in this shard\n");
    return 0;
  }
  const startedAt = new Date();
  const engine = await ensureEngine();
  // Only what the selected runs start: a remote engine given those images needs nothing built.
  const roles = [...new Set(runs.flatMap((r) => imageRolesOf(resolveSpec(deployedOptions(intendedOptions(r.scenario, profile, config.stack), r.mutant)))))];
  await ensureImages({ roles, onEvent: plainProgress((text) => process.stderr.write(text)) });
  const paths = reportPaths(process.env.BROWNOUT_REPORTS_DIR ?? config.reportsDir ?? reportsDir());
  // This run's results only: earlier runs' files would mix into the summary and the report.
  await Promise.all([rm(join(paths.scenarios, "results"), { recursive: true, force: true }), rm(paths.allureResults, { recursive: true, force: true })]);
  const stop = interruptOnSignals();
  let failures = 0;
  try {
    await runSuite({ config, names, repeat: args.repeat, seed: args.seed, profile, plain: !args.mutants, mutants: args.mutants, paths, signal: stop.signal }, (run, result) => {
      if (!runSucceeded(run, result)) failures++;
    });
  } finally {
    stop.dispose();
  }
  const results = await publish({
    scenarioDirs: [paths.scenarios],
    allureDirs: [paths.allureResults],
    engine: `Docker ${engine.serverVersion} (API ${engine.apiVersion})`,
    startedAt,
    paths,
  });
  // Interrupted: the partial summary and report are written above; the exit code says it was cut short.
  if (stop.interrupted()) return 130;
  // `runs` lists each run once; the suite made every one of them `repeat` times.
  const expected = runs.length * args.repeat;
  if (results.length < expected) process.stderr.write(`brownout: only ${String(results.length)} of ${String(expected)} scenario runs reported a result\n`);
  return failures > 0 || results.length < expected ? 1 : 0;
}
