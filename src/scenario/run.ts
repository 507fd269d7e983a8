import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { compose } from "../assertions/compose.js";
import { type CheckResult, type Conviction, control, convictions, result } from "../assertions/check.js";
import { startTopology, type StartedTopology } from "../stack/index.js";
import { PROFILES, type Profile } from "../cluster/profiles.js";
import { type SpecOptions, type TopologySpec, VERIFY_PAUSE_MS, resolveSpec } from "../cluster/topology.js";
import type { ActiveFault } from "../cluster/fault-handle.js";
import { elleRwRegisterEdn, historyEdn } from "../report/edn.js";
import { timelineSvg } from "../report/timeline.js";
import { History } from "../workload/history.js";
import { HttpClient } from "../workload/http-client.js";
import { finalReadsOf, readFinal, recordFinalReads } from "../workload/final-read.js";
import { type Completed, completions } from "../workload/op.js";
import { Scheduler } from "../workload/scheduler.js";
import { mechanismControls, stepsRanAsDeclared } from "./controls.js";
import { type Evidence, type FinalRead, type Mutant, type RunContext, type Scenario, deployedOptions, intendedOptions, phasesFor, probeTimeout } from "./define.js";
import { steadyHypothesis } from "./hypothesis.js";
import { type FaultWindow, Nemesis, faultWindows } from "./nemesis.js";
import { Progress } from "./progress.js";
import { seeded } from "./random.js";
import { type ScenarioResult, headline, mutantOutcome } from "./result.js";
import { runLabel } from "./run-label.js";

export interface RunOptions {
  readonly seed: number;
  readonly repeat: number;
  /** reports/scenarios */
  readonly outDir: string;
  /** Run the stack with this regression deployed: the scenario must go red. */
  readonly mutant?: Mutant;
  /** Stops the run between steps (Ctrl-C): faults are healed, the topology removed, the run reported broken. */
  readonly signal?: AbortSignal;
  /** The timing profile (default fast): its timings and templates under the scenario's own settings. */
  readonly profile?: Profile;
  /** The config's stack settings, under the profile's and the scenario's own. */
  readonly stack?: SpecOptions;
  /** This run's topology, already starting (deployed as `deployedSpecOptions` says): started while the run before ended. */
  readonly topology?: Promise<StartedTopology>;
  /** Called once the workload has stopped: nothing this run measures is left, so the next run's topology may start. */
  readonly onWorkloadEnd?: () => void;
}

/** What a run deploys: the profile's and the config's settings under the scenario's own, and its mutant's regression. */
export function deployedSpecOptions(scenario: Scenario, o: Pick<RunOptions, "profile" | "stack" | "mutant">): SpecOptions {
  return deployedOptions(intendedOptions(scenario, o.profile ?? PROFILES.fast, o.stack), o.mutant);
}

/** A sleep for fault timing that an interrupt cuts short. */
function holdUnless(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
}

/** Polls verify() until green (tolerating what the scenario changed on purpose) or the deadline. */
/** The scenario's probe timeout for the spec it holds the stack to. */
function probeTimeoutOf(scenario: Scenario, spec: TopologySpec): number {
  const t = scenario.probeTimeoutMs;
  return typeof t === "function" ? t(spec) : (t ?? probeTimeout(spec));
}

/** What kept the topology from steady state after the heal, each time it changed: why a recovery took long. */
export type RecoveryTrace = { readonly t: number; readonly problems: readonly string[] }[];

async function waitSteady(
  topology: StartedTopology,
  history: History,
  withinMs: number,
  tolerated: readonly RegExp[],
  signal: AbortSignal | undefined,
): Promise<{ at: number | null; problems: string[]; trace: RecoveryTrace }> {
  const deadline = performance.now() + withinMs;
  const pause = holdUnless(signal);
  const trace: RecoveryTrace = [];
  for (;;) {
    // Every node asked by its kind, where it answers now (a restarted node has new host ports).
    const problems = await topology.nodeProblems();
    const left = problems.filter((p) => !tolerated.some((re) => re.test(p)));
    if (JSON.stringify(trace.at(-1)?.problems) !== JSON.stringify(left)) trace.push({ t: Math.round(history.now()), problems: left });
    if (left.length === 0) return { at: history.now(), problems: [], trace };
    if (performance.now() >= deadline || signal?.aborted) return { at: null, problems: left, trace };
    await pause(VERIFY_PAUSE_MS);
  }
}

/**
 * Runs one scenario: topology → steady state → fault → heal → recovery → after → final reads → checks. The
 * workload runs from steady state to the end of `after`; the topology is removed whatever happens (its
 * disposal heals faults still injected).
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<{ result: ScenarioResult; history: History }> {
  const mutant = options.mutant;
  const progress = new Progress(`${scenario.name}${mutant ? ` [mutant ${mutant.name}]` : ""}${options.repeat > 0 ? ` #${String(options.repeat + 1)}` : ""}`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const artefacts = join(options.outDir, runLabel(scenario.name, options.repeat, mutant?.name));
  await mkdir(artefacts, { recursive: true });
  const history = new History();
  // Bounds and controls hold the stack to the scenario's own spec; a mutant only changes what is deployed.
  const wanted = intendedOptions(scenario, options.profile ?? PROFILES.fast, options.stack);
  const intended = resolveSpec(wanted);
  const deployed = deployedOptions(wanted, mutant);
  const phases = phasesFor(scenario, intended);
  const intervalMs = intended.margins.probeIntervalMs;
  const nemesis = new Nemesis(history);
  const http = new HttpClient();
  const observed: Record<string, unknown> = {};
  let topology: StartedTopology | undefined;
  let scheduler: Scheduler | undefined;
  let closeWorkload: (() => void) | undefined;
  let faults: readonly ActiveFault[] = [];

  const base = { name: scenario.name, repeat: options.repeat, artefacts, profile: intended.profile };
  const finish = (partial: Omit<ScenarioResult, "name" | "repeat" | "artefacts" | "durationMs" | "harnessCpuMs" | "probeLatenessP99Ms" | "mutant">): ScenarioResult => {
    const cpu = process.cpuUsage(cpu0);
    const lateness = scheduler?.lateness();
    return {
      ...base,
      ...partial,
      ...(mutant ? { mutant: mutantOutcome(mutant, partial.status, partial.checks) } : {}),
      durationMs: Math.round(performance.now() - t0),
      harnessCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      probeLatenessP99Ms: lateness && lateness.count > 0 ? Math.round(lateness.p99 * 10) / 10 : null,
    };
  };
  try {
    // Between steps: an interrupt stops the run here (the catch below reports it, finally removes the topology).
    const checkpoint = () => {
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("interrupted");
    };
    const hold = holdUnless(options.signal);
    progress.phase("topology");
    const started = performance.now();
    checkpoint();
    topology = await (options.topology ?? startTopology(deployed));
    const running = topology;
    const topologyStartMs = Math.round(performance.now() - started);
    const first = await topology.verify({ withinMs: 20_000 });
    // Failed before any fault: the stack is not as specified (a red verdict about the stack, not the harness's
    // trouble), with the control that was false, the artefacts and the journal so far (no fault injected).
    const notSteadyRun = async (checks: CheckResult[]) => {
      await scheduler?.stop();
      closeWorkload?.();
      closeWorkload = undefined;
      const reason = checks.filter((c) => c.valid === false).map((c) => `${c.name}: ${c.detail}`).join(" | ");
      await writeArtefacts(artefacts, scenario, history, completions(history.ops), null, running);
      await writeJournal(artefacts, scenario, mutant, nemesis, { gate: checks, injected: false });
      return { history, result: finish({ status: "failed", valid: false, topologyStartMs, checks, error: `not steady before the fault: ${reason}`, notSteady: true }) };
    };
    if (!first.ok) return await notSteadyRun([result("topology steady before the workload", false, first.problems.join("; "))]);
    // Mechanisms shown at work (a commit that waits for the standby), then the stack steady again before the workload.
    const demonstrated: CheckResult[] = [];
    for (const demonstrate of scenario.demonstrations ?? []) demonstrated.push(await demonstrate(topology, intended, hold));
    if (demonstrated.length > 0) {
      const again = await topology.verify({ withinMs: phases.recoveryBoundMs });
      if (!again.ok) return await notSteadyRun([...demonstrated, result("topology steady again after the demonstrations", false, again.problems.join("; "))]);
    }

    // From here on every fault goes through the nemesis: the history and the journal show each step (the
    // demonstrations above are the harness's own, not the scenario's faults).
    topology.recordFaultsWith(nemesis.record);
    const ctx: RunContext = {
      topology,
      history,
      http,
      random: seeded(options.seed + options.repeat),
      intervalMs,
      hold,
      phases,
      spec: intended,
      observed,
      finalRead: (of, read, node) => readFinal(history, of, read, node),
      tag: `${scenario.name.replace(/[^a-z0-9]/g, "")}${String(options.repeat)}${Math.floor(seeded(options.seed)() * 1e6).toString(36)}`,
    };
    const workload = await scenario.workload(ctx);
    closeWorkload = workload.close;
    // The scheduler's own stop is a safety bound: past every phase this run plans (a soak's hour included).
    const plannedMs = phases.steadyMs + phases.faultMs + phases.recoveryBoundMs + phases.afterMs;
    scheduler = new Scheduler(history, workload.probes, { intervalMs, timeoutMs: probeTimeoutOf(scenario, intended), maxDurationMs: plannedMs + 60_000 });

    checkpoint();
    progress.phase("steady state");
    const steady = history.mark("steady");
    scheduler.start();
    // The mechanisms are read back while the steady window runs, so reading them shifts no phase.
    const [mechanisms] = await Promise.all([topology.mechanisms(), hold(phases.steadyMs)]);

    // The hypothesis gate: on a stack that is not steady, a fault proves nothing; it is not injected.
    const gateAt = history.now();
    const gate = [steadyHypothesis(completions(history.ops), { from: steady, to: gateAt }, "before the fault"), ...mechanismControls(mechanisms, intended, scenario.mechanisms), ...demonstrated];
    const notSteady = gate.filter((c) => c.valid === false);
    // Under a mutant the method runs anyway, so the report shows every check the regression turns red, not only
    // the gate's read-backs: a mutant only a read-back caught proves the read-back, not the scenario. One whose
    // stack already misbehaves before the fault (a behavioural check red) is killed by behaviour there, and its
    // run stops, as a mutation tester stops a mutant at its first failing test.
    if (notSteady.length > 0 && (!mutant || notSteady.some((c) => c.readsBack !== true))) return await notSteadyRun(gate);

    checkpoint();
    progress.phase("fault", scenario.fault);
    const fault = history.mark("fault");
    faults = await scenario.inject(ctx, observed);

    checkpoint();
    progress.phase("heal");
    if (scenario.heal) await scenario.heal(ctx, faults, observed);
    else for (const f of faults) await f.heal();
    const heal = history.mark("heal");

    progress.phase("recovery");
    // A plain run waits past its bound, so a slow recovery's report says how slow. A mutant's recovery check is
    // decided at the bound (steady later is red all the same), so its run stops waiting there.
    const recoveryWaitMs = mutant ? phases.recoveryBoundMs : phases.recoveryBoundMs * 3;
    const steadyAgain = await waitSteady(topology, history, recoveryWaitMs, scenario.tolerated ?? [], options.signal);
    if (steadyAgain.at !== null) history.mark("steady again");

    checkpoint();
    progress.phase("after");
    // A mutant never steady again is killed by its recovery check already: the after window would only find the
    // stack not steady once more.
    if (!mutant || steadyAgain.at !== null) await hold(phases.afterMs);
    await scheduler.stop();
    closeWorkload?.();
    closeWorkload = undefined;
    const end = history.mark("end");
    options.onWorkloadEnd?.();

    checkpoint();
    progress.phase("final reads");
    // Final reads are ops of the history (Jepsen's :final-read): the evidence's final reads come back out of it.
    const readsFrom = history.now();
    if (workload.finalRead) recordFinalReads(history, readsFrom, await workload.finalRead());
    await scenario.observe?.(ctx, observed);

    progress.phase("checks");
    const ops = completions(history.ops);
    const finalRead: FinalRead = finalReadsOf(ops);
    const evidence: Evidence = {
      ops,
      at: { steady, fault, heal, steadyAt: steadyAgain.at, end },
      recoveryProblems: steadyAgain.problems,
      finalRead,
      mechanisms,
      journal: nemesis.journal,
      observed,
      spec: intended,
      intervalMs,
      phases,
    };
    // After recovery the hypothesis must hold again; an op in flight when verify() turned green may still run
    // into one dependency timeout, so the window starts one timeout later.
    const afterFrom = steadyAgain.at === null ? null : steadyAgain.at + intended.timings.app.depTimeoutMs;
    const hypothesisAfter =
      afterFrom === null
        ? control("steady-state hypothesis after recovery", false, "never steady again")
        : steadyHypothesis(ops, { from: afterFrom, to: end }, "after recovery", scenario.changedForGood);
    const checks = [...gate, stepsRanAsDeclared(scenario.timeline, nemesis.journal), ...scenario.checks(evidence), hypothesisAfter];
    const verdict = compose(checks);
    const logs = await writeArtefacts(artefacts, scenario, history, ops, { from: fault, to: heal }, topology, faultWindows(nemesis.journal), convictions(checks));
    await writeFile(join(artefacts, "recovery.json"), `${JSON.stringify(steadyAgain.trace, null, 2)}\n`);
    await writeJournal(artefacts, scenario, mutant, nemesis, { gate, injected: true });
    return {
      history,
      result: finish({
        status: verdict.valid === true ? "passed" : "failed",
        valid: verdict.valid,
        topologyStartMs,
        ...headline(checks),
        checks,
        faultedLogs: faultedLogs(scenario, logs),
      }),
    };
  } catch (e) {
    const failedHeal = nemesis.journal.find((j) => j.phase === "heal" && j.outcome === "failed");
    const message = failedHeal ? `heal failed: ${failedHeal.description}: ${failedHeal.error ?? ""}` : e instanceof Error ? e.message : String(e);
    await scheduler?.stop();
    closeWorkload?.();
    if (topology) await writeArtefacts(artefacts, scenario, history, completions(history.ops), null, topology).catch(() => undefined);
    await writeJournal(artefacts, scenario, mutant, nemesis, { error: message }).catch(() => undefined);
    return {
      history,
      result: finish({ status: "broken", valid: "unknown", topologyStartMs: null, checks: [result("run", "unknown", message)], error: message }),
    };
  } finally {
    progress.phase("teardown");
    await http.close();
    // A topology started for this run that it never took (interrupted first) is removed too.
    const left = topology ?? (await options.topology?.catch(() => undefined));
    await left?.[Symbol.asyncDispose]();
  }
}

/** journal.json: what ran, step by step, errors included (Chaos Toolkit's journal). */
async function writeJournal(dir: string, scenario: Scenario, mutant: Mutant | undefined, nemesis: Nemesis, extra: Record<string, unknown>): Promise<void> {
  const journal = { scenario: scenario.name, ...(mutant ? { mutant } : {}), declared: scenario.timeline, steps: nemesis.journal, ...extra };
  await writeFile(join(dir, "journal.json"), `${JSON.stringify(journal, (_, v: unknown) => (v instanceof RegExp ? String(v) : v), 2)}\n`);
}

async function writeArtefacts(
  dir: string,
  scenario: Scenario,
  history: History,
  ops: readonly Completed[],
  fault: { from: number; to: number } | null,
  topology: StartedTopology,
  windows: readonly FaultWindow[] = [],
  convicted: ReadonlyMap<number, Conviction> = new Map(),
): Promise<string[]> {
  await writeFile(join(dir, "history.jsonl"), history.toJsonLines());
  // Jepsen's form too, for its tools; and the product rows as Elle's rw-register transactions.
  await writeFile(join(dir, "history.edn"), historyEdn(history.ops));
  const elle = elleRwRegisterEdn(history.ops);
  if (elle) await writeFile(join(dir, "elle-rw-register.edn"), elle);
  await writeFile(join(dir, "timeline.svg"), timelineSvg(ops, history.marks, fault, `${scenario.name}: ${scenario.fault}`, windows.length > 1 ? windows : [], convicted));
  return topology.collectLogs(join(dir, "logs"));
}

/** The logs of the containers the scenario's timeline names. */
function faultedLogs(scenario: Scenario, paths: readonly string[]): { role: string; path: string }[] {
  const roles = new Set(scenario.timeline.flatMap((s) => s.target.split(/[ ,]+/)));
  return paths.map((path) => ({ role: basename(path, ".log"), path })).filter((l) => roles.has(l.role));
}
