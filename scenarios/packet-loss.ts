import { type CheckResult, type Completed, control, type Evidence, faultInForceAt, type Probe, result, round, type RunContext } from "../src/index.js";

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

/** The loss was felt: users' ops failed or were slower than in the steady state before it. */
export function lossFelt(e: Evidence, fs: readonly string[]): { control: CheckResult; during: UserImpact } {
  const steady = userImpact(e.ops, fs, e.at.steady, e.at.fault);
  const during = userImpact(e.ops, fs, faultInForceAt(e), e.at.heal);
  const mechanism = typeof e.observed.lossMechanism === "string" ? e.observed.lossMechanism : "unknown";
  return {
    during,
    control: control(
      `the loss was felt (${mechanism})`,
      during.ops > 0 && (during.failed > 0 || (during.p99LatencyMs ?? 0) > (steady.p99LatencyMs ?? Infinity)),
      `dropped with ${mechanism}; steady: ${String(steady.ops)} ops, ${String(steady.failed)} failed, p99 ${String(steady.p99LatencyMs)} ms; under loss: ${String(during.ops)} ops, ${String(during.failed)} failed (${String(during.errorRatePct)} %), p99 ${String(during.p99LatencyMs)} ms, max ${String(during.maxLatencyMs)} ms`,
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

/** False failovers as a finding: counted, with the roles seen, never hidden. */
export function falseFailovers(ops: readonly Completed[], f: string, what: string, figure = "falseFailovers", role?: (o: Completed) => string): CheckResult {
  const { changes, seen } = roleChanges(ops, f, role);
  return result(`${what}: false failovers counted`, ops.some((o) => o.f === f && o.type === "ok") ? true : "unknown", `${String(changes)} change(s) of ${what} while the node in charge stayed up (seen: ${seen.join(" → ") || "nothing"})`, { [figure]: changes });
}
