import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedConfig } from "../src/config/load.js";
import { reportPaths } from "../src/report/paths.js";
import { Prestarts } from "../src/runner/prestart.js";
import { deployedSpecs, runOne, runSucceeded, suiteRuns } from "../src/runner/suite.js";
import { prepareDeclaredNodes } from "../src/nodes/start.js";
import type { ScenarioResult } from "../src/scenario/result.js";
import { selectionFromEnv } from "../src/scenario/select.js";
import { lostFromEdn } from "./edn-recompute.js";

/**
 * A config's chaos suite as vitest tests: one test per scenario run, on real containers, through the same runner
 * `brownout chaos` uses in-process (results, Allure, artefacts alike). Every scenario and then every mutant;
 * BROWNOUT_CHAOS_SELECTION narrows it.
 */
export function chaosSuite(loaded: LoadedConfig): void {
  const selection = selectionFromEnv(loaded.registry.names);
  const paths = reportPaths();
  const profile = loaded.profiles[selection.profile ?? "fast"];
  if (!profile) throw new Error(`unknown profile '${selection.profile ?? ""}'; profiles are: ${Object.keys(loaded.profiles).join(", ")}`);
  const runs = suiteRuns({ config: loaded, names: selection.names, repeat: selection.repeat, plain: selection.plain !== false, mutants: selection.mutants ?? null });

  // A scenario whose every mutant this selection runs must have at least two killed by a behavioural check: a
  // mutant only a read-back control caught proves the control, not the scenario.
  const behaviourKills = new Map<string, number>();
  const complete = [...new Set(runs.filter((r) => r.mutant).map((r) => r.scenario))].filter((s) => s.mutants.every((m) => runs.some((r) => r.scenario === s && r.mutant?.name === m.name)));

  describe(`chaos: ${loaded.name}`, () => {
    // Each run's topology starts while the run before it ends; one started for a run that never came is removed.
    const prestarts = new Prestarts();
    afterAll(() => prestarts.dispose());
    // The images of the nodes the runs declare, built before the first run (on a fresh machine, a build), so no
    // run's time, nor its timeout, includes one.
    beforeAll(() => prepareDeclaredNodes(deployedSpecs(runs, { profile, config: loaded }), (line) => process.stderr.write(`${line}\n`)), IMAGE_BUILDS_MS);
    for (const [i, run] of runs.entries()) {
      it(run.title, async () => {
        const result = await runOne(run, { config: loaded, seed: selection.seed, profile, paths }, { prestarts, next: runs[i + 1] });
        if (result.mutant?.killedByBehaviour) behaviourKills.set(run.scenario.name, (behaviourKills.get(run.scenario.name) ?? 0) + 1);
        const why = run.mutant
          ? `${run.title}: the mutant survived (${result.status}${result.error ? `: ${result.error}` : ""}); every check stayed green:\n${result.checks.map((c) => `${c.name}: ${String(c.valid)}`).join("\n")}`
          : `${run.title}: ${result.error ?? result.checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`).join("\n")}`;
        expect(runSucceeded(run, result), why).toBe(true);
        // Every lost-write verdict of the run, recomputed by an outside checker from the exported history alone.
        expect(await recomputedLosses(result)).toEqual(reportedLosses(result));
      });
    }
    if (complete.length > 0) {
      it(`every scenario's mutants: at least ${String(MIN_BEHAVIOUR_KILLS)} killed by behaviour (${String(complete.length)} scenarios)`, () => {
        const short = complete.filter((s) => (behaviourKills.get(s.name) ?? 0) < MIN_BEHAVIOUR_KILLS).map((s) => `${s.name}: ${String(behaviourKills.get(s.name) ?? 0)} of ${String(s.mutants.length)}`);
        expect(short, "scenarios whose behaviour kills fewer than two of their mutants").toEqual([]);
      });
    }
  });
}

/** The node images a suite's runs declare, built from scratch on a 2-core machine: apt and all, one after another. */
const IMAGE_BUILDS_MS = 1_800_000;

/** Each scenario's behavioural checks must kill at least this many of its mutants. */
const MIN_BEHAVIOUR_KILLS = 2;

/** The lost-write figures a run reported, by check name (those a final read answered). */
function reportedLosses(result: ScenarioResult): Record<string, { acknowledged: number; lost: number }> {
  const out: Record<string, { acknowledged: number; lost: number }> = {};
  for (const c of result.checks) {
    const f = c.figures;
    if (c.name.startsWith("no lost ") && typeof f?.lost === "number" && typeof f.acknowledged === "number") out[c.name] = { acknowledged: f.acknowledged, lost: f.lost };
  }
  return out;
}

/** The same figures from `history.edn`, with the op kind, final read and cut-off each check names. */
async function recomputedLosses(result: ScenarioResult): Promise<Record<string, { acknowledged: number; lost: number } | null>> {
  const names = Object.keys(reportedLosses(result));
  if (names.length === 0) return {};
  const edn = await readFile(join(result.artefacts, "history.edn"), "utf8");
  const out: Record<string, { acknowledged: number; lost: number } | null> = {};
  for (const c of result.checks.filter((x) => names.includes(x.name))) {
    const f = String(c.figures?.writes);
    const ref = typeof c.figures?.finalRead === "string" ? c.figures.finalRead : f;
    const before = typeof c.figures?.ackedBeforeMs === "number" ? c.figures.ackedBeforeMs : Infinity;
    const after = typeof c.figures?.ackedAfterMs === "number" ? c.figures.ackedAfterMs : -Infinity;
    const consumedBy = typeof c.figures?.consumedBy === "string" ? c.figures.consumedBy : undefined;
    out[c.name] = lostFromEdn(edn, f, ref, before, after, consumedBy);
  }
  return out;
}
