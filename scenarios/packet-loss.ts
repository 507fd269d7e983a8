import { type Bound, type CheckResult, type Completed, control, type Evidence, faultInForceAt, type Probe, result, round, type RunContext } from "../src/index.js";

/** The share of packets dropped: the figure a flaky NIC or a congested uplink shows, and the example. */
export const LOSS_PERCENT = 30;

/** p-th percentile of numbers (nearest rank); null for none. */
function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** What users saw of some op kinds in a window: how many failed (or were left unknown), and how long ops took. */
export interface UserImpact {
  readonly ops: number;
  readonly failed: number;
  readonly errorRatePct: number;
  readonly p99LatencyMs: number | null;
  readonly maxLatencyMs: number;
}

export function userImpact(ops: readonly Completed[], fs: readonly string[], from: number, to: number): UserImpact {
  const mine = ops.filter((o) => fs.includes(o.f) && o.start >= from && o.start < to);
  const failed = mine.filter((o) => o.type !== "ok").length;
  const latencies = mine.map((o) => o.end - o.start);
  return {
    ops: mine.length,
    failed,
    errorRatePct: mine.length ? round((100 * failed) / mine.length) : 0,
    p99LatencyMs: percentile(latencies, 99) === null ? null : round(percentile(latencies, 99) ?? 0),
    maxLatencyMs: round(Math.max(0, ...latencies)),
  };
}

/**
 * Linux's minimum retransmission timeout (TCP_RTO_MIN, include/net/tcp.h): a segment lost and not recovered by a
 * tail-loss probe is resent no sooner. An op slower than the steady state's p99 by this much waited on a lost
 * segment; noise on a loopback-fast path does not add that much.
 */
export const TCP_RTO_MIN_MS = 200;

/**
 * The loss was felt by the ops that cross the lossy node (`feltBy`): some failed, or one waited a retransmission
 * timeout beyond the steady state's p99. The figures are what users saw over `measured` (by default the same ops).
 */
export function lossFelt(e: Evidence, feltBy: readonly string[], measured: readonly string[] = feltBy): { control: CheckResult; during: UserImpact } {
  const steady = userImpact(e.ops, feltBy, e.at.steady, e.at.fault);
  const crossing = userImpact(e.ops, feltBy, faultInForceAt(e), e.at.heal);
  const during = measured === feltBy ? crossing : userImpact(e.ops, measured, faultInForceAt(e), e.at.heal);
  const mechanism = typeof e.observed.lossMechanism === "string" ? e.observed.lossMechanism : "unknown";
  const waitedFor = (steady.p99LatencyMs ?? 0) + TCP_RTO_MIN_MS;
  return {
    during,
    control: control(
      `the loss was felt (${mechanism})`,
      crossing.ops > 0 && (crossing.failed > 0 || crossing.maxLatencyMs >= waitedFor),
      `dropped with ${mechanism}; ${feltBy.join(", ")}: steady ${String(steady.ops)} ops, p99 ${String(steady.p99LatencyMs)} ms; under loss ${String(crossing.ops)} ops, ${String(crossing.failed)} failed, slowest ${String(crossing.maxLatencyMs)} ms (felt: a failure, or one at least ${String(waitedFor)} ms = steady p99 + TCP_RTO_MIN ${String(TCP_RTO_MIN_MS)}); users (${measured.join(", ")}): ${String(during.ops)} ops, ${String(during.failed)} failed (${String(during.errorRatePct)} %), p99 ${String(during.p99LatencyMs)} ms`,
      { errorRatePct: during.errorRatePct, p99LatencyMs: during.p99LatencyMs, steadyP99LatencyMs: steady.p99LatencyMs },
    ),
  };
}

/** A probe of who is in charge (the master a Sentinel names, the servers HAProxy has up): a history of roles. */
export function roleProbe(name: string, f: string, read: () => Promise<string>): Probe {
  return {
    name,
    f,
    run: async () => {
      try {
        return { type: "ok", value: { note: await read() } };
      } catch (e) {
        return { type: "fail", error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** How often the role history changed: each change while the node in charge was alive is a false failover (a flap). */
export function roleChanges(ops: readonly Completed[], f: string, role: (o: Completed) => string = (o) => o.value?.note ?? ""): { changes: number; seen: string[] } {
  const notes = ops.filter((o) => o.f === f && o.type === "ok").sort((a, b) => a.end - b.end).map(role);
  let changes = 0;
  for (let i = 1; i < notes.length; i++) if (notes[i] !== notes[i - 1]) changes++;
  return { changes, seen: [...new Set(notes)] };
}

/** Records which loss mechanism this kernel offers, for the control and the report. */
export async function noteLossMechanism(ctx: RunContext, observed: Record<string, unknown>): Promise<void> {
  observed.lossMechanism = await ctx.topology.lossMechanism();
}

/**
 * The most changes of who is in charge a detector's own timers allow over a window: one cycle (marked down, then
 * back) takes at least `cycleMs`, and each cycle changes the role `perCycle` times. A loose bound, but derived: a
 * regression that makes the detector more trigger-happy than its configured timings (fall 1, a shorter interval)
 * can pass it, a configured one cannot.
 */
export interface FlapLimit {
  readonly cycle: Bound;
  readonly perCycle: number;
  readonly windowMs: number;
}

/** False failovers as a finding: counted, with the roles seen, never hidden, and no more than the timers allow. */
export function falseFailovers(ops: readonly Completed[], f: string, what: string, limit: FlapLimit, figure = "falseFailovers", role?: (o: Completed) => string): CheckResult {
  const { changes, seen } = roleChanges(ops, f, role);
  const most = limit.perCycle * Math.ceil(limit.windowMs / limit.cycle.ms);
  return result(
    `${what}: false failovers counted, no more than its timers allow`,
    ops.some((o) => o.f === f && o.type === "ok") ? changes <= most : "unknown",
    `${String(changes)} change(s) of ${what} while the node in charge stayed up (seen: ${seen.join(" → ") || "nothing"}); at most ${String(most)} in ${String(round(limit.windowMs))} ms (${String(limit.perCycle)} per cycle of ${limit.cycle.derivation})`,
    { [figure]: changes, [`${figure}Max`]: most },
  );
}
