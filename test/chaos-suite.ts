import { describe, expect, it } from "vitest";
import type { LoadedConfig } from "../src/config/load.js";
import { reportPaths } from "../src/report/paths.js";
import { runOne, runSucceeded, suiteRuns } from "../src/runner/suite.js";
import { selectionFromEnv } from "../src/scenario/select.js";

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

  describe(`chaos: ${loaded.name}`, () => {
    for (const run of runs) {
      it(run.title, async () => {
        const result = await runOne(run, { config: loaded, seed: selection.seed, profile, paths });
        const why = run.mutant
          ? `${run.title}: the mutant survived (${result.status}${result.error ? `: ${result.error}` : ""}); every check stayed green:\n${result.checks.map((c) => `${c.name}: ${String(c.valid)}`).join("\n")}`
          : `${run.title}: ${result.error ?? result.checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`).join("\n")}`;
        expect(runSucceeded(run, result), why).toBe(true);
      });
    }
  });
}
