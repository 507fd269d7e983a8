import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Profile } from "../cluster/profiles.js";
import { type TopologySpec, resolveSpec } from "../cluster/topology.js";
import type { LoadedConfig } from "../config/load.js";
import { writeAllureResult } from "../report/allure-writer.js";
import type { reportPaths } from "../report/paths.js";
import { scenarioTestName, writeScenarioResult } from "../report/scenario-results.js";
import type { Mutant, Scenario } from "../scenario/define.js";
import type { ScenarioResult } from "../scenario/result.js";
import { deployedSpecOptions, runScenario } from "../scenario/run.js";
import { Prestarts } from "./prestart.js";
import { selectMutants } from "../scenario/select.js";

/** One run a suite makes: a scenario, maybe under a mutant, one of its repeats. */
export interface SuiteRun {
  readonly scenario: Scenario;
  readonly mutant?: Mutant;
  readonly repeat: number;
  /** The run's name in reports and in the test runner. */
  readonly title: string;
}

export interface SuiteOptions {
  readonly config: Pick<LoadedConfig, "name" | "registry" | "stack">;
  /** Scenario names, in registry order. */
  readonly names: readonly string[];
  readonly repeat: number;
  readonly seed: number;
  readonly profile: Profile;
  /** Run the scenarios themselves (a plain run). */
  readonly plain: boolean;
  /** Mutation testing: every mutant of the selected scenarios, or only these names. */
  readonly mutants: { readonly only: readonly string[] | null } | null;
  readonly paths: ReturnType<typeof reportPaths>;
  /** Ctrl-C: the running scenario heals and tears down, the rest are not started. */
  readonly signal?: AbortSignal;
}

/** The runs a suite makes, in order: every plain run, then every (scenario, mutant) pair, each repeat times. */
export function suiteRuns(o: Pick<SuiteOptions, "config" | "names" | "repeat" | "plain" | "mutants">): SuiteRun[] {
  const scenarios = o.names.flatMap((n) => o.config.registry.byName(n) ?? []);
  const repeats = Array.from({ length: o.repeat }, (_, k) => k);
  const plain = o.plain ? scenarios.flatMap((scenario) => repeats.map((repeat) => ({ scenario, repeat, title: scenarioTestName(scenario.name, repeat) }))) : [];
  const mutated = o.mutants
    ? selectMutants(scenarios, o.mutants.only).flatMap(({ scenario, mutant }) =>
        repeats.map((repeat) => ({ scenario, mutant, repeat, title: `${scenarioTestName(scenario.name, repeat)} × mutant ${mutant.name}` })),
      )
    : [];
  return [...plain, ...mutated];
}

/** The stack each run deploys: its scenario's under the profile and the config's settings, its mutant's regression in. */
export function deployedSpecs(runs: readonly SuiteRun[], o: { readonly profile: Profile; readonly config: Pick<LoadedConfig, "stack"> }): TopologySpec[] {
  return runs.map((r) => resolveSpec(deployedSpecOptions(r.scenario, { profile: o.profile, stack: o.config.stack, ...(r.mutant ? { mutant: r.mutant } : {}) })));
}

/** Whether a run came out as it must: a plain run passed; a mutant run was killed (the scenario went red). */
export function runSucceeded(run: SuiteRun, result: ScenarioResult): boolean {
  return run.mutant ? result.mutant?.killed === true : result.status === "passed";
}

/**
 * Runs one scenario run and writes what it reports: its result file, result.json beside its artefacts, Allure.
 * In a suite, `pipeline` hands it the topology started for it while the run before ended, and has it start the
 * next run's once its own workload has stopped (see Prestarts).
 */
export async function runOne(run: SuiteRun, o: Pick<SuiteOptions, "config" | "seed" | "profile" | "paths" | "signal">, pipeline?: { readonly prestarts: Prestarts; readonly next: SuiteRun | undefined }): Promise<ScenarioResult> {
  const next = pipeline?.next;
  const topology = pipeline?.prestarts.take(run.title);
  const { result } = await runScenario(run.scenario, {
    seed: o.seed,
    repeat: run.repeat,
    outDir: o.paths.scenarios,
    profile: o.profile,
    stack: o.config.stack,
    ...(run.mutant ? { mutant: run.mutant } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(topology ? { topology } : {}),
    ...(pipeline && next
      ? { onWorkloadEnd: () => { if (!o.signal?.aborted) pipeline.prestarts.start(next.title, deployedSpecOptions(next.scenario, { profile: o.profile, stack: o.config.stack, ...(next.mutant ? { mutant: next.mutant } : {}) })); } }
      : {}),
  });
  await writeScenarioResult(o.paths.scenarios, result);
  await writeFile(join(result.artefacts, "result.json"), JSON.stringify(result, null, 2));
  writeAllureResult(o.paths.allureResults, run.scenario, result, { stack: o.config.name, profile: o.profile.name, seed: o.seed }, run.mutant);
  return result;
}

/**
 * Runs a suite in this process, one scenario at a time (their bounds are timings: nothing else runs beside
 * them). Stops starting runs once the signal is aborted; the one running heals and reports itself broken.
 */
export async function runSuite(o: SuiteOptions, onResult?: (run: SuiteRun, result: ScenarioResult) => void): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const runs = suiteRuns(o);
  const prestarts = new Prestarts();
  try {
    for (const [i, run] of runs.entries()) {
      if (o.signal?.aborted) break;
      const result = await runOne(run, o, { prestarts, next: runs[i + 1] });
      results.push(result);
      onResult?.(run, result);
    }
  } finally {
    await prestarts.dispose();
  }
  return results;
}
