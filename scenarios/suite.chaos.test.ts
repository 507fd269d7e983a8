import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as allure from "allure-js-commons";
import type { StepContext } from "allure-js-commons";
import { describe, expect, it } from "vitest";
import { scenarioByName, SCENARIO_NAMES } from "../src/scenario/registry.js";
import { runScenario } from "../src/scenario/run.js";
import { profileByName } from "../src/cluster/profiles.js";
import { reportPaths } from "../src/report/paths.js";
import { interruptSignal } from "../src/scenario/interrupt.js";
import { selectMutants, selectionFromEnv } from "../src/scenario/select.js";
import type { Mutant, Scenario } from "../src/scenario/define.js";
import type { ScenarioResult } from "../src/scenario/result.js";
import { scenarioTestName, writeScenarioResult } from "../src/report/scenario-results.js";

// The chaos suite: one test per scenario (and per repeat), on real containers. `npm test` runs it, so a team's
// test command is its resilience gate; `npm run chaos` runs it by name, with repeats and shards.
const selection = selectionFromEnv(SCENARIO_NAMES);
const OUT = reportPaths().scenarios;
// Ctrl-C on `npm run chaos` (or its process dying): the running scenario heals and tears down, the rest are skipped.
const interrupt = interruptSignal();
const profile = profileByName(selection.profile ?? "fast");

/** Reports one run to Allure: its fault, expectation, figures, checks (controls apart) and artefacts. */
async function reportRun(scenario: Scenario, result: ScenarioResult, mutant?: Mutant): Promise<void> {
  // Grouped by stack and profile, then scenario (not by test file): meeting stack > production > scenarios.
  await allure.label("stack", "meeting stack");
  await allure.label("profile", `profile: ${profile.name}`);
  await allure.label("kind", mutant ? "mutants" : "scenarios");
  await allure.epic("chaos");
  await allure.feature(scenario.name);
  await allure.description(`**Fault:** ${scenario.fault}\n\n**Expected:** ${scenario.expected}${mutant ? `\n\n**Mutant:** ${mutant.name}: ${mutant.regression}` : ""}`);
  await writeScenarioResult(OUT, result);
  for (const [k, v] of Object.entries({
    failoverMs: result.failoverMs,
    boundMs: result.boundMs,
    resolutionMs: result.resolutionMs,
    recoveryMs: result.recoveryMs,
    topologyStartMs: result.topologyStartMs,
    staleReads: result.staleReads ? `${String(result.staleReads.count)} (max ${String(result.staleReads.maxStalenessMs)} ms)` : undefined,
    sessions: result.sessions ? `${String(result.sessions.kept)} kept / ${String(result.sessions.lost)} lost` : undefined,
    writes: result.writes ? `${String(result.writes.acknowledged)} acknowledged / ${String(result.writes.lost)} lost` : undefined,
    mutant: mutant ? `${mutant.name} (${result.mutant?.killed ? "killed" : "SURVIVED"})` : undefined,
    profile: profile.name,
    seed: selection.seed,
  })) {
    if (v !== undefined) await allure.parameter(k, String(v));
  }
  // Each check an Allure step: its verdict, why, its figures; controls named as such.
  for (const c of result.checks) {
    // A step that throws is shown failed; the throw stops at the step (the test's verdict is the scenario's).
    await Promise.resolve(
      allure.step(`${c.kind === "control" ? "control" : "check"}: ${c.name} — ${String(c.valid)}`, async (ctx: StepContext) => {
        await ctx.parameter("detail", c.detail);
        for (const [k, v] of Object.entries(c.figures ?? {})) await ctx.parameter(k, String(v));
        if (c.valid !== true) throw new Error(`${c.name}: ${c.detail}`);
      }),
    ).catch(() => undefined);
  }
  // The runner wrote them (unless the topology never started: then there is nothing to attach).
  for (const [file, type] of [["timeline.svg", "image/svg+xml"], ["history.jsonl", "application/x-ndjson"], ["journal.json", "application/json"]] as const) {
    if (existsSync(join(result.artefacts, file))) await allure.attachmentPath(file, join(result.artefacts, file), type);
  }
  await allure.attachment("checks.json", JSON.stringify(result.checks, null, 2), "application/json");
  await writeFile(join(result.artefacts, "result.json"), JSON.stringify(result, null, 2));
  for (const log of result.faultedLogs ?? []) await allure.attachmentPath(`log: ${log.role}`, log.path, "text/plain");
}

const failingOf = (r: ScenarioResult) => r.checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`);

// Each block only when selected: vitest fails a describe with no test in it.
if (selection.plain !== false) describe("chaos", () => {
  for (const name of selection.names) {
    const scenario = scenarioByName(name);
    if (!scenario) continue;
    for (let repeat = 0; repeat < selection.repeat; repeat++) {
      it(scenarioTestName(name, repeat), async (ctx) => {
        if (interrupt.aborted) ctx.skip();
        const { result } = await runScenario(scenario, { seed: selection.seed, repeat, outDir: OUT, signal: interrupt, profile });
        await reportRun(scenario, result);
        expect(result.status, `${name}: ${result.error ?? failingOf(result).join("\n")}`).toBe("passed");
      });
    }
  }
});

// Mutation testing of the stack: each scenario once per mutant it declares; a test is green when its mutant is
// killed (the scenario went red under the regression).
const mutation = selection.mutants;
if (mutation) describe("mutants", () => {
  const scenarios = selection.names.flatMap((n) => scenarioByName(n) ?? []);
  for (const { scenario, mutant } of selectMutants(scenarios, mutation.only)) {
    for (let repeat = 0; repeat < selection.repeat; repeat++) {
      it(`${scenarioTestName(scenario.name, repeat)} × mutant ${mutant.name}`, async (ctx) => {
        if (interrupt.aborted) ctx.skip();
        const { result } = await runScenario(scenario, { seed: selection.seed, repeat, outDir: OUT, mutant, signal: interrupt, profile });
        await reportRun(scenario, result, mutant);
        expect(result.mutant?.killed, `${scenario.name} × ${mutant.name}: the mutant survived (${result.status}${result.error ? `: ${result.error}` : ""}); every check stayed green:\n${result.checks.map((c) => `${c.name}: ${String(c.valid)}`).join("\n")}`).toBe(true);
      });
    }
  }
});
