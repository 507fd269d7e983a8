import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as allure from "allure-js-commons";
import { describe, expect, it } from "vitest";
import { scenarioByName, SCENARIO_NAMES } from "../src/scenario/registry.js";
import { runScenario } from "../src/scenario/run.js";
import { selectionFromEnv } from "../src/scenario/select.js";
import { scenarioTestName, writeScenarioResult } from "../src/report/scenario-results.js";

// The chaos suite: one test per scenario (and per repeat), on real containers. `npm test` runs it, so a team's
// test command is its resilience gate; `npm run chaos` runs it by name, with repeats and shards.
const selection = selectionFromEnv(SCENARIO_NAMES);
const OUT = "reports/scenarios";

describe("chaos", () => {
  for (const name of selection.names) {
    const scenario = scenarioByName(name);
    if (!scenario) continue;
    for (let repeat = 0; repeat < selection.repeat; repeat++) {
      it(scenarioTestName(name, repeat), async () => {
        await allure.epic("chaos");
        await allure.feature(name);
        await allure.description(`**Fault:** ${scenario.fault}\n\n**Expected:** ${scenario.expected}`);
        const { result } = await runScenario(scenario, { seed: selection.seed, repeat, outDir: OUT });
        await writeScenarioResult(OUT, result);
        for (const [k, v] of Object.entries({
          failoverMs: result.failoverMs,
          resolutionMs: result.resolutionMs,
          recoveryMs: result.recoveryMs,
          topologyStartMs: result.topologyStartMs,
          staleReads: result.staleReads ? `${String(result.staleReads.count)} (max ${String(result.staleReads.maxStalenessMs)} ms)` : undefined,
          sessions: result.sessions ? `${String(result.sessions.kept)} kept / ${String(result.sessions.lost)} lost` : undefined,
          writes: result.writes ? `${String(result.writes.acknowledged)} acknowledged / ${String(result.writes.lost)} lost` : undefined,
          seed: selection.seed,
        })) {
          if (v !== undefined) await allure.parameter(k, String(v));
        }
        // The runner wrote them (unless the topology never started: then there is nothing to attach).
        for (const [file, type] of [["history.jsonl", "application/x-ndjson"], ["timeline.svg", "image/svg+xml"]] as const) {
          await allure.attachmentPath(file, join(result.artefacts, file), type).then(undefined, () => undefined);
        }
        await allure.attachment("checks.json", JSON.stringify(result.checks, null, 2), "application/json");
        await writeFile(join(result.artefacts, "result.json"), JSON.stringify(result, null, 2));
        for (const log of result.faultedLogs ?? []) await allure.attachmentPath(`log: ${log.role}`, log.path, "text/plain");
        const failing = result.checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`);
        expect(result.status, `${name}: ${result.error ?? failing.join("\n")}`).toBe("passed");
      });
    }
  }
});
