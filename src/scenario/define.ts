import { type Bound, bound } from "../assertions/bound.js";
import type { CheckResult } from "../assertions/check.js";
import { measureFailover } from "../assertions/availability.js";
import { recovery } from "../assertions/recovery.js";
import type { StartedTopology } from "../stack/index.js";
import type { Mechanisms } from "../stack/mechanisms.js";
import { type SpecOptions, type TopologySpec, mergeSpecOptions } from "../cluster/topology.js";
import type { ActiveFault } from "../cluster/fault-handle.js";
import { injectFault } from "../stack/inject.js";
import { type FaultSpec, describeFault, faultTarget } from "../faults/spec.js";
import type { FinalValue } from "../workload/final-read.js";
import type { History } from "../workload/history.js";
import type { HttpClient } from "../workload/http-client.js";
import { type Completed, type OpF, completions } from "../workload/op.js";
import type { Probe } from "../workload/scheduler.js";
import type { Mechanism } from "./controls.js";
import type { JournalStep } from "./nemesis.js";

import type { TimelineStep } from "./timeline-step.js";

export type { TimelineStep };

/** How long each phase runs, in ms. */
export interface Phases {
  /** Workload before the fault (the steady-state hypothesis is checked over it). */
  readonly steadyMs: number;
  /** How long the fault is held before the heal. */
  readonly faultMs: number;
  /** Workload after recovery (to see service return: cache hits, traffic back on gra). */
  readonly afterMs: number;
  /** verify() must be green again within this long after the heal. */
  readonly recoveryBoundMs: number;
  /** How recoveryBoundMs was derived, when it was (reports show it); its ms is recoveryBoundMs. */
  readonly recovery?: Bound;
}

/**
 * A scenario's phases as written: the recovery bound as a derived Bound, or as a number; the steady window, when
 * absent, is the hypothesis window (`hypothesisWindowMs`).
 */
export type PhasesSpec = Omit<Phases, "recoveryBoundMs" | "recovery" | "steadyMs"> & { readonly steadyMs?: number } & ({ readonly recoveryBoundMs: number; readonly recovery?: never } | { readonly recovery: Bound; readonly recoveryBoundMs?: never });

export interface RunContext {
  readonly topology: StartedTopology;
  readonly history: History;
  readonly http: HttpClient;
  /** Seeded: the same seed gives the same ids and fault offsets. */
  readonly random: () => number;
  readonly intervalMs: number;
  /** Sleeps for fault timing only (never to wait for readiness). */
  readonly hold: (ms: number) => Promise<void>;
  /** The phases of this run, resolved for its profile's timings. */
  readonly phases: Phases;
  /**
   * The stack as the scenario intends it (its profile's timings, no mutant): a fault's own timeline holds for
   * these, so a mutant runs the plain run's timeline and its regression is judged on it, not waited out.
   * `topology.spec` is what is deployed (a mutant's settings): connect with that.
   */
  readonly spec: TopologySpec;
  /**
   * A final read (after the workload, in `observe`) as an op of the history: `of` names what it reads (an op kind
   * for keys, a table for rows), `node` where; checks then take it from the evidence (`finalKeys`, `finalRows`),
   * so an outside checker can recompute their verdicts from the exported history.
   */
  readonly finalRead: <T extends FinalValue>(of: string, read: () => Promise<T | null>, node?: string) => Promise<T | null>;
  /** A per-run prefix for ids, so repeated runs never collide. */
  readonly tag: string;
  /** What the scenario's steps observe (the same record `inject` and `observe` get), for its checks. */
  readonly observed: Record<string, unknown>;
}

/** What the workload is: its probes, and how to read what survived once it is over. */
export interface Workload {
  readonly probes: readonly Probe[];
  /** Keys present at the end, per op kind, read from the current primary after recovery. */
  readonly finalRead?: () => Promise<FinalRead>;
  /** Closes clients the workload opened (WebSockets). */
  readonly close?: () => void;
}

/** Keys present at the end, by the op kind that wrote them (rebuilt from the history's final-read ops). */
export type FinalRead = Readonly<Partial<Record<OpF, ReadonlySet<string> | null>>>;

/** Everything checks see: the history (as completed ops), its marks, and what was read around it. */
export interface Evidence {
  readonly ops: readonly Completed[];
  /** Times (ms in the history) of the phases: steady, fault, heal, steadyAt (null if never), end. */
  readonly at: { readonly steady: number; readonly fault: number; readonly heal: number; readonly steadyAt: number | null; readonly end: number };
  readonly recoveryProblems: readonly string[];
  readonly finalRead: FinalRead;
  /** The mechanisms as the servers had them before the fault (read back from them). */
  readonly mechanisms: Mechanisms;
  /** The fault steps as they ran. */
  readonly journal: readonly JournalStep[];
  /** Whatever the scenario's own steps observed (a room's status, a role), by name. */
  readonly observed: Readonly<Record<string, unknown>>;
  /**
   * The spec the stack is meant to run: its timings are what bounds derive from. Under a mutant the stack runs a
   * regressed copy (`Mutant.deploy`), while bounds and controls still hold it to this one.
   */
  readonly spec: TopologySpec;
  readonly intervalMs: number;
  readonly phases: Phases;
}

/**
 * A realistic regression of the stack under which the scenario must go red: a config value, a keyword removed, a
 * test-only bug switched on in the app. Mutation testing of the stack: a mutant that survives (the scenario stays
 * green) is a hole in the scenario.
 */
export interface Mutant {
  readonly name: string;
  /** The regression in a team's words: what someone changed, and why it is plausible. */
  readonly regression: string;
  /** Deployed on top of the scenario's topology; bounds and controls keep the scenario's own spec. */
  readonly deploy: SpecOptions;
}

/**
 * A mechanism shown at work, not read from its label: run on the steady topology before the workload (the stack is
 * then let settle again), it provokes what the mechanism exists for and returns a positive control (commits
 * through pg-write wait while the standby is cut off). Part of the gate: false fails the run before the fault. It
 * gets the topology as it is (its steps are no fault of the scenario's) and a hold for its own timing.
 */
export type Demonstration = (topology: StartedTopology, spec: TopologySpec, hold: (ms: number) => Promise<void>) => Promise<CheckResult>;

export interface Scenario {
  readonly name: string;
  /** The fault and its heal, in one line. */
  readonly fault: string;
  /** What must be shown, and where the expectation comes from. */
  readonly expected: string;
  readonly topology: SpecOptions;
  /** The protective mechanisms the scenario relies on: each is read back from the servers before the fault (a control). */
  readonly mechanisms: readonly Mechanism[];
  /** Mechanisms shown at work before the workload (their controls join the gate's). */
  readonly demonstrations?: readonly Demonstration[];
  /** At least two regressions of the stack this scenario must turn red. */
  readonly mutants: readonly Mutant[];
  /** Ops the steady-state hypothesis after recovery leaves out: what the scenario documents as changed for good. */
  readonly changedForGood?: (op: Completed) => boolean;
  /**
   * Fixed, or derived from the spec's timings, so that under a slower profile a fault is still held longer than
   * its detection and the after window still sees service return.
   */
  readonly phases: PhasesSpec | ((spec: TopologySpec) => PhasesSpec);
  /**
   * Probe timeout: an op not answered by then is unknown (default: `probeTimeout(spec)`); derived from the spec
   * when an op may rightly wait on a configured timing (a pool's wait for a connection, say).
   */
  readonly probeTimeoutMs?: number | ((spec: TopologySpec) => number);
  readonly timeline: readonly TimelineStep[];
  /** Prepares data and clients on the steady topology; returns the probes. */
  workload(ctx: RunContext): Promise<Workload>;
  /** Injects the fault (and any operator steps), holding it for phases.faultMs. Returns what to heal. */
  inject(ctx: RunContext, observed: Record<string, unknown>): Promise<readonly ActiveFault[]>;
  /** Heals; the default heals every fault inject returned. */
  heal?(ctx: RunContext, faults: readonly ActiveFault[], observed: Record<string, unknown>): Promise<void>;
  /** Problems verify() may still report after the heal because the fault changed the steady state on purpose. */
  readonly tolerated?: readonly RegExp[];
  /** After the workload stopped: extra observations for the checks. */
  observe?(ctx: RunContext, observed: Record<string, unknown>): Promise<void>;
  checks(evidence: Evidence): CheckResult[];
}

export function defineScenario(s: Scenario): Scenario {
  return s;
}

/** The probe intervals a steady-state hypothesis is judged over: each probe's ops in a window this many intervals long. */
export const HYPOTHESIS_INTERVALS = 20;

/**
 * The window a steady-state hypothesis is judged over (before the fault, and again after recovery): 20 probe
 * intervals, and no longer than the observation time: a slow probe (a user's page view every 200 ms) is judged over
 * the time a new state is watched, not for longer.
 */
export function hypothesisWindowMs(spec: TopologySpec): number {
  return Math.min(HYPOTHESIS_INTERVALS * spec.margins.probeIntervalMs, OBSERVE_MS);
}

/**
 * A scenario's phases for one spec. The steady window is the hypothesis window unless the scenario asks for more.
 * The after phase lasts at least one dependency timeout plus the hypothesis window: the steady-state hypothesis
 * after recovery is checked from one timeout after steady (an op in flight then may still time out), over as many
 * probe intervals as before the fault, and under a slow profile a short after phase would leave it nothing to judge.
 */
export function phasesFor(s: Pick<Scenario, "phases">, spec: TopologySpec): Phases {
  const p = typeof s.phases === "function" ? s.phases(spec) : s.phases;
  const recovery = p.recovery ? { recoveryBoundMs: p.recovery.ms, recovery: p.recovery } : { recoveryBoundMs: p.recoveryBoundMs };
  const window = hypothesisWindowMs(spec);
  return { steadyMs: p.steadyMs ?? window, faultMs: p.faultMs, ...recovery, afterMs: Math.max(p.afterMs, spec.timings.app.depTimeoutMs + window) };
}

/**
 * How long the new state is watched once the mechanism has had its time to act (service on the new master, on
 * sbg, on mysql-2): a phase length, so that checks see the outcome, not a bound.
 */
export const OBSERVE_MS = 1000;

/**
 * The default probe timeout: a read that falls back makes two dependency calls, each bounded by the app's
 * timeout, behind a proxy that may retry for its try duration; the scheduler may fire it late.
 */
export function probeTimeout(spec: TopologySpec): number {
  return 2 * spec.timings.app.depTimeoutMs + spec.timings.caddy.tryDurationMs + spec.margins.schedulerLatenessMs;
}

/**
 * The common method: inject one fault (as data, or a function of the topology), hold it for the fault phase,
 * hand it back to be healed.
 */
export async function holdFault(ctx: RunContext, inject: FaultSpec | (() => Promise<ActiveFault>)): Promise<readonly ActiveFault[]> {
  const fault = typeof inject === "function" ? await inject() : await injectFault(ctx.topology, inject);
  await ctx.hold(ctx.phases.faultMs);
  return [fault];
}

/**
 * When `f` was served again after `from`, as the failover check measures it (measureFailover): the first ok `f`
 * begun after the first that failed; null while none failed, or none succeeded since.
 */
export function servedAgainAt(ops: readonly Completed[], f: OpF, from: number): number | null {
  return measureFailover(ops, f, from, 1).recoveredAt;
}

/**
 * A failover's fault, held until the stack serves `f` again, then OBSERVE_MS more, and the fault phase at most. A
 * failover scenario's fault phase is its bound plus OBSERVE_MS, which a failover well within its bound leaves idle;
 * a stack that never fails `f`, or does not serve it again in time, is held the whole phase as before.
 */
export async function holdUntilServed(ctx: RunContext, f: OpF): Promise<void> {
  const from = ctx.history.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const served = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      const at = servedAgainAt(completions(ctx.history.ops), f, from);
      if (at !== null && ctx.history.now() >= at + OBSERVE_MS) resolve();
    }, ctx.intervalMs);
  });
  try {
    // The phase's own hold ends the wait too (an interrupt cuts it short).
    await Promise.race([ctx.hold(ctx.phases.faultMs), served]);
  } finally {
    clearInterval(timer);
  }
}

/** The timeline of one fault given as data: injected when the fault phase starts, healed at its end. */
export function faultTimeline(fault: FaultSpec, heal: string): TimelineStep[] {
  return faultThenHeal(describeFault(fault), faultTarget(fault), heal);
}

/** A timeline of one fault at the start of the fault phase and its heal at the end (`faultMs` as a number or "end"). */
export function faultThenHeal(action: string, target: string, heal: string): TimelineStep[] {
  return [
    { atMs: 0, action, target },
    { atMs: "end", action: `heal: ${heal}`, target },
  ];
}

/** verify() green again within the scenario's recovery bound after the heal. */
export function recoveredInTime(e: Evidence): CheckResult {
  return recovery({ healedAt: e.at.heal, steadyAt: e.at.steadyAt, problems: e.recoveryProblems }, e.phases.recovery ?? bound(["the scenario's recovery bound", e.phases.recoveryBoundMs]));
}

/**
 * When the fault really took effect: the end of the first fault step in the journal (a kill is in force once the
 * engine answered), not the mark set just before it was asked for. Ops started between the two are not the fault's.
 */
export function faultInForceAt(e: Evidence): number {
  const first = e.journal.find((j) => j.phase === "fault" && j.outcome === "ok");
  return first ? first.t + first.durationMs : e.at.fault;
}

/**
 * When the fault stopped being held: the start of the first heal step in the journal. The heal mark is set once the
 * heal has finished, and a restart's heal waits for the node to be ready, so traffic may already be back on it by
 * then: a "during the fault" window ends here, not at the mark.
 */
export function healAskedAt(e: Evidence): number {
  const first = e.journal.find((j) => j.phase === "heal");
  return first ? Math.min(first.t, e.at.heal) : e.at.heal;
}

/** The measurement terms every bound measured from probes carries: one probe interval and the scheduler's lateness. */
export function measurement(spec: TopologySpec): readonly (readonly [string, number])[] {
  return [
    ["probe interval", spec.margins.probeIntervalMs],
    ["scheduler lateness", spec.margins.schedulerLatenessMs],
  ];
}

export type { Bound };

/**
 * The spec options a scenario is meant to run with: the config's stack, then the profile's timings and
 * templates, then the scenario's own settings. A mutant's deployment goes on top of these (`deployedOptions`).
 * The runner, the dry run and the image check all resolve a run's spec through here, so they never disagree.
 */
export function intendedOptions(scenario: Pick<Scenario, "topology">, profile: { readonly options: SpecOptions }, stack: SpecOptions = {}): SpecOptions {
  return mergeSpecOptions(mergeSpecOptions(stack, profile.options), scenario.topology);
}

/** What a run deploys: the intended options, with the mutant's regression on top when there is one. */
export function deployedOptions(intended: SpecOptions, mutant: Pick<Mutant, "deploy"> | undefined): SpecOptions {
  return mutant ? mergeSpecOptions(intended, mutant.deploy) : intended;
}
