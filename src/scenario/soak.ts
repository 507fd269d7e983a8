import { faultWindows } from "./nemesis.js";
import { type CheckResult, result } from "../assertions/check.js";
import type { ActiveFault } from "../cluster/fault-handle.js";
import { injectFault } from "../stack/inject.js";
import { type FaultSpec, describeFault, faultTarget } from "../faults/spec.js";
import type { Evidence, RunContext, Scenario, TimelineStep } from "./define.js";
import { seeded } from "./random.js";

/** One fault a soak may draw: how likely, how long it is held, and the roles it occupies while in force. */
export interface SoakFault {
  readonly fault: FaultSpec;
  /** Relative weight in the mix (0: never drawn). */
  readonly weight: number;
  /** Held for a time drawn in [min, max] ms. */
  readonly holdMs: readonly [number, number];
  /**
   * The roles it occupies, and how long after its heal they stay occupied (a restarted node catching up): no
   * other fault on them meanwhile.
   */
  readonly roles: readonly string[];
  readonly settleMs: number;
}

/** A step of a soak's schedule: when (ms after the soak's start), what, held how long. */
export interface SoakStep {
  readonly atMs: number;
  readonly fault: FaultSpec;
  readonly holdMs: number;
  readonly roles: readonly string[];
}

export interface SoakOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly catalog: readonly SoakFault[];
  /** Time between two draws, drawn in [min, max] ms. */
  readonly gapMs: readonly [number, number];
}

const between = (r: () => number, [lo, hi]: readonly [number, number]) => Math.round(lo + r() * (hi - lo));

/**
 * Jepsen's nemesis generator, seeded: a schedule of faults drawn from the catalog by weight, each with its heal,
 * never two on the same role at once (a role stays taken until its fault is healed and settled). The same seed
 * and options give the same schedule; every fault is healed before the soak ends.
 */
export function soakSchedule(o: SoakOptions): SoakStep[] {
  const random = seeded(o.seed);
  const busyUntil = new Map<string, number>();
  const steps: SoakStep[] = [];
  const total = o.catalog.reduce((n, f) => n + Math.max(0, f.weight), 0);
  if (total <= 0) return steps;
  for (let t = between(random, o.gapMs); t < o.durationMs; t += between(random, o.gapMs)) {
    // Draw by weight among the faults whose roles are free now; none free: wait for the next draw.
    const free = o.catalog.filter((f) => f.weight > 0 && f.roles.every((r) => (busyUntil.get(r) ?? 0) <= t));
    const weight = free.reduce((n, f) => n + f.weight, 0);
    if (weight <= 0) continue;
    let pick = random() * weight;
    const chosen = free.find((f) => (pick -= f.weight) < 0) ?? free[free.length - 1];
    if (!chosen) continue;
    const holdMs = between(random, chosen.holdMs);
    // Healed before the end: the recovery after the soak judges a healed stack.
    if (t + holdMs + chosen.settleMs > o.durationMs) continue;
    for (const r of chosen.roles) busyUntil.set(r, t + holdMs + chosen.settleMs);
    steps.push({ atMs: t, fault: chosen.fault, holdMs, roles: chosen.roles });
  }
  return steps;
}

/** The schedule as timeline steps (the dry run and the report show it). */
export function soakTimeline(steps: readonly SoakStep[]): TimelineStep[] {
  return steps.flatMap((s) => [
    { atMs: s.atMs, action: describeFault(s.fault), target: faultTarget(s.fault) },
    { atMs: s.atMs + s.holdMs, action: `heal: ${describeFault(s.fault)}`, target: faultTarget(s.fault) },
  ]);
}

/** Runs a schedule: each fault injected at its time and healed after its hold, overlapping ones in time order. */
export async function runSchedule(ctx: RunContext, steps: readonly SoakStep[]): Promise<readonly ActiveFault[]> {
  type Event = { readonly at: number; readonly kind: "inject" | "heal"; readonly step: number };
  const events: Event[] = steps.flatMap((s, step) => [
    { at: s.atMs, kind: "inject" as const, step },
    { at: s.atMs + s.holdMs, kind: "heal" as const, step },
  ]);
  events.sort((a, b) => a.at - b.at || (a.kind === "heal" ? -1 : 1));
  const active = new Map<number, ActiveFault>();
  const t0 = performance.now();
  for (const e of events) {
    const wait = e.at - (performance.now() - t0);
    if (wait > 0) await ctx.hold(wait);
    const step = steps[e.step];
    if (!step) continue;
    if (e.kind === "inject") active.set(e.step, await injectFault(ctx.topology, step.fault));
    else {
      await active.get(e.step)?.heal();
      active.delete(e.step);
    }
  }
  return [...active.values()];
}

/**
 * After each fault's heal, service came back: the op kind succeeds again within the bound (its first ok after
 * the heal). One result over every window, naming the slowest.
 */
export function recoveredAfterEachFault(e: Evidence, f: string, boundMs: number): CheckResult {
  const heals = e.journal.filter((j) => j.f === "heal" && j.outcome === "ok").map((j) => j.t + j.durationMs);
  const oks = e.ops.filter((o) => o.f === f && o.type === "ok").map((o) => o.end).sort((a, b) => a - b);
  let worst = 0;
  let worstAt = 0;
  for (const h of heals) {
    const next = oks.find((t) => t >= h);
    const took = next === undefined ? Number.POSITIVE_INFINITY : next - h;
    if (took > worst) {
      worst = took;
      worstAt = h;
    }
  }
  return result(
    `${f} served again after each heal`,
    heals.length > 0 && worst <= boundMs,
    heals.length === 0 ? "no fault was healed" : `${String(heals.length)} heals; the slowest return took ${Number.isFinite(worst) ? `${String(Math.round(worst))} ms` : "forever"} (heal at ${String(Math.round(worstAt))} ms), bound ${String(boundMs)} ms`,
    { heals: heals.length, slowestReturnMs: Number.isFinite(worst) ? Math.round(worst) : null },
  );
}

/**
 * Per fault window: for each fault of the schedule, how the op kinds fared while it was in force (failed of
 * all) and how long after its heal each was served again, within the bound. One result per fault, named by its
 * number and step, so the report lists the schedule with its verdicts.
 */
export function perFaultWindow(e: Evidence, fs: readonly string[], boundMs: number): CheckResult[] {
  return faultWindows(e.journal).map((w, i) => {
    const to = w.to ?? e.at.end;
    const parts = fs.map((f) => {
      const during = e.ops.filter((o) => o.f === f && o.start >= w.from && o.start < to);
      const failed = during.filter((o) => o.type !== "ok").length;
      const next = e.ops.filter((o) => o.f === f && o.type === "ok" && o.end >= to).reduce((m, o) => Math.min(m, o.end), Number.POSITIVE_INFINITY);
      return { f, ops: during.length, failed, backMs: Number.isFinite(next) ? Math.round(next - to) : null };
    });
    const ok = w.to !== null && parts.every((p) => p.backMs !== null && p.backMs <= boundMs);
    return result(
      `fault #${String(i + 1)}: ${w.description}`,
      ok,
      `${String(Math.round(w.from))}–${w.to === null ? "never healed" : String(Math.round(w.to))} ms; ${parts.map((p) => `${p.f} ${String(p.failed)}/${String(p.ops)} failed, back ${p.backMs === null ? "never" : `${String(p.backMs)} ms`} after the heal`).join("; ")} (bound ${String(boundMs)} ms)`,
      { heldMs: Math.round(to - w.from), slowestBackMs: parts.some((p) => p.backMs === null) ? null : Math.max(0, ...parts.map((p) => p.backMs ?? 0)) },
    );
  });
}

/** A soak as a scenario: a base scenario's topology, workload and checks, with a seeded schedule as its fault. */
export function soakScenario(base: Scenario, o: SoakOptions, extraChecks: (e: Evidence) => CheckResult[] = () => []): Scenario {
  const steps = soakSchedule(o);
  return {
    ...base,
    name: `soak-${String(Math.round(o.durationMs / 60_000))}m-seed-${String(o.seed)}`,
    fault: `a seeded schedule of ${String(steps.length)} faults over ${String(Math.round(o.durationMs / 1000))} s (seed ${String(o.seed)})`,
    expected: `${base.expected}; after each fault's heal, service returns`,
    mutants: base.mutants,
    phases: (spec) => ({ ...(typeof base.phases === "function" ? base.phases(spec) : base.phases), faultMs: o.durationMs }),
    timeline: soakTimeline(steps),
    inject: (ctx) => runSchedule(ctx, steps),
    checks: (e) => [...base.checks(e), ...extraChecks(e)],
  };
}
