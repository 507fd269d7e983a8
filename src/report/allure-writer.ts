import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ContentType, type Label, type Parameter, Stage, Status } from "allure-js-commons";
import { FileSystemWriter, ReporterRuntime } from "allure-js-commons/sdk/reporter";
import type { Mutant, Scenario } from "../scenario/define.js";
import type { ScenarioResult } from "../scenario/result.js";
import { scenarioTestName } from "./scenario-results.js";

export interface AllureContext {
  /** The stack's name (the config's), Allure's first grouping. */
  readonly stack: string;
  readonly profile: string;
  readonly seed: number;
}

/** A run's Allure verdict: a plain run passes when the scenario did; a mutant run when the mutant was killed. */
function statusOf(result: ScenarioResult, mutant: Mutant | undefined): Status {
  if (mutant) return result.mutant?.killed === true ? Status.PASSED : Status.FAILED;
  return result.status === "passed" ? Status.PASSED : result.status === "broken" ? Status.BROKEN : Status.FAILED;
}

const parameters = (result: ScenarioResult, ctx: AllureContext, mutant: Mutant | undefined): Parameter[] =>
  Object.entries({
    failoverMs: result.failoverMs,
    boundMs: result.boundMs,
    resolutionMs: result.resolutionMs,
    recoveryMs: result.recoveryMs,
    topologyStartMs: result.topologyStartMs,
    staleReads: result.staleReads ? `${String(result.staleReads.count)} (max ${String(result.staleReads.maxStalenessMs)} ms)` : undefined,
    sessions: result.sessions ? `${String(result.sessions.kept)} kept / ${String(result.sessions.lost)} lost` : undefined,
    writes: result.writes ? `${String(result.writes.acknowledged)} acknowledged / ${String(result.writes.lost)} lost` : undefined,
    ...result.findings,
    mutant: mutant ? `${mutant.name} (${result.mutant?.killed ? "killed" : "SURVIVED"})` : undefined,
    profile: ctx.profile,
    seed: ctx.seed,
  }).flatMap(([name, v]) => (v === undefined || v === null ? [] : [{ name, value: String(v) }]));

/**
 * Writes one scenario run as an Allure result (through Allure's own reporter runtime): grouped by stack, profile
 * and kind, its fault and expectation, figures as parameters, each check a step (controls named as such), and
 * the run's artefacts. The same writer serves the CLI and this repo's vitest suite.
 */
export function writeAllureResult(resultsDir: string, scenario: Pick<Scenario, "name" | "fault" | "expected">, result: ScenarioResult, ctx: AllureContext, mutant?: Mutant): void {
  const runtime = new ReporterRuntime({ writer: new FileSystemWriter({ resultsDir }) });
  const name = `${scenarioTestName(scenario.name, result.repeat)}${mutant ? ` × mutant ${mutant.name}` : ""}`;
  const fullName = `${ctx.stack}/${ctx.profile}/${mutant ? "mutants" : "scenarios"}/${name}`;
  const labels: Label[] = [
    { name: "stack", value: ctx.stack },
    { name: "profile", value: `profile: ${ctx.profile}` },
    { name: "kind", value: mutant ? "mutants" : "scenarios" },
    { name: "epic", value: "chaos" },
    { name: "feature", value: scenario.name },
  ];
  const stop = Date.now();
  const start = stop - result.durationMs;
  const status = statusOf(result, mutant);
  const failing = result.checks.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`);
  const uuid = runtime.startTest({
    name,
    fullName,
    historyId: createHash("md5").update(fullName).digest("hex"),
    labels,
    parameters: parameters(result, ctx, mutant),
    description: `**Fault:** ${scenario.fault}\n\n**Expected:** ${scenario.expected}${mutant ? `\n\n**Mutant:** ${mutant.name}: ${mutant.regression}` : ""}`,
    start,
    stage: Stage.RUNNING,
  });
  for (const c of result.checks) {
    const step = runtime.startStep(uuid, undefined, {
      name: `${c.kind === "control" ? "control" : "check"}: ${c.name} — ${String(c.valid)}`,
      parameters: [{ name: "detail", value: c.detail }, ...Object.entries(c.figures ?? {}).map(([k, v]) => ({ name: k, value: String(v) }))],
      status: c.valid === true ? Status.PASSED : c.valid === false ? Status.FAILED : Status.BROKEN,
      start,
    });
    if (step) runtime.stopStep(step, { stop });
  }
  for (const [file, type] of [["timeline.svg", ContentType.SVG], ["history.jsonl", "application/x-ndjson"], ["history.edn", "application/edn"], ["journal.json", ContentType.JSON]] as const) {
    const path = join(result.artefacts, file);
    if (existsSync(path)) runtime.writeAttachment(uuid, undefined, file, path, { contentType: type });
  }
  runtime.writeAttachment(uuid, undefined, "checks.json", Buffer.from(JSON.stringify(result.checks, null, 2)), { contentType: ContentType.JSON });
  for (const log of result.faultedLogs ?? []) if (existsSync(log.path)) runtime.writeAttachment(uuid, undefined, `log: ${log.role}`, log.path, { contentType: ContentType.TEXT });
  runtime.updateTest(uuid, (t) => {
    t.status = status;
    t.stage = Stage.FINISHED;
    if (status !== Status.PASSED) {
      t.statusDetails = {
        message: mutant ? `mutant ${mutant.name} survived: every check stayed green` : (result.error ?? failing.join("\n")),
      };
    }
  });
  runtime.stopTest(uuid, { stop });
  runtime.writeTest(uuid);
}
