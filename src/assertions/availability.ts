import type { Completed, OpF } from "../workload/op.js";
import { type Bound, asBound } from "./bound.js";
import { type CheckResult, type Span, result, round, within } from "./check.js";

export interface Window {
  /** Start of the first op that did not succeed, to the start of the next op that did. */
  readonly from: number;
  readonly to: number;
  readonly ops: number;
}

/** Unavailability windows of one kind of op: maximal runs of ops (in invoke order) that were not `ok`. */
export function unavailability(ops: readonly Completed[], f: OpF, span?: Span): Window[] {
  const mine = ops.filter((o) => o.f === f && within(o.start, span)).sort((a, b) => a.start - b.start);
  const windows: Window[] = [];
  let open: { from: number; ops: number } | null = null;
  for (const op of mine) {
    if (op.type !== "ok") {
      open ??= { from: op.start, ops: 0 };
      open.ops++;
    } else if (open) {
      windows.push({ from: open.from, to: op.start, ops: open.ops });
      open = null;
    }
  }
  const last = mine[mine.length - 1];
  if (open && last) windows.push({ from: open.from, to: Math.max(last.end, last.start), ops: open.ops });
  return windows;
}

export interface FailoverMeasure {
  /** First failed op after the fault, to the first of `consecutive` successes after it; 0 when nothing failed. */
  readonly failoverMs: number | null;
  readonly firstFailureAt: number | null;
  readonly recoveredAt: number | null;
}

export function measureFailover(ops: readonly Completed[], f: OpF, faultAt: number, consecutive: number, only: (process: string) => boolean = () => true): FailoverMeasure {
  // Ops invoked before the fault may fail because of it: they count from when they completed.
  const mine = ops.filter((o) => o.f === f && o.end >= faultAt && only(o.process)).sort((a, b) => a.start - b.start);
  const first = mine.find((o) => o.type !== "ok");
  if (!first) return { failoverMs: 0, firstFailureAt: null, recoveredAt: null };
  let run = 0;
  let runStart: number | null = null;
  for (const op of mine.filter((o) => o.start > first.start)) {
    if (op.type === "ok") {
      runStart ??= op.start;
      if (++run >= consecutive) return { failoverMs: runStart - Math.max(first.start, faultAt), firstFailureAt: first.start, recoveredAt: runStart };
    } else {
      run = 0;
      runStart = null;
    }
  }
  return { failoverMs: null, firstFailureAt: first.start, recoveredAt: null };
}

export interface FailoverOptions {
  readonly f: OpF;
  /** When the fault was injected (ms in the history). */
  readonly faultAt: number;
  /** The configured detection bound plus named margins, with its derivation. */
  readonly bound: Bound | number;
  /**
   * Whether the fault must be visible to this kind of op (default true): then "nothing failed" is not a 0 ms
   * failover but a fault that had no visible effect, and the check is false. A scenario whose mechanism hides
   * the fault from users (a proxy retrying on the next upstream) says false, and proves the fault elsewhere.
   */
  readonly mustFeel?: boolean;
  /** Successes in a row that mean "served again". Default 3. */
  readonly consecutive?: number;
  /** The probe interval: the failover time is good to this. */
  readonly resolutionMs: number;
  /** Only these probe processes (say, the shared-store sessions). */
  readonly only?: (process: string) => boolean;
  /** Name suffix, when a scenario measures one kind of op for two groups. */
  readonly label?: string;
}

/** Failover time of one kind of op against its bound; invalid when it never recovered or took too long. */
export function failover(ops: readonly Completed[], o: FailoverOptions): CheckResult {
  const name = `failover ${o.f}${o.label ? ` ${o.label}` : ""}`;
  const b = asBound(o.bound);
  const m = measureFailover(ops, o.f, o.faultAt, o.consecutive ?? 3, o.only);
  const figures = { failoverMs: m.failoverMs === null ? null : round(m.failoverMs), resolutionMs: o.resolutionMs, boundMs: b.ms };
  if (!ops.some((x) => x.f === o.f && x.start >= o.faultAt && (o.only?.(x.process) ?? true))) return result(name, "unknown", `no ${o.f} ops after the fault`, figures);
  if (m.failoverMs === null) return result(name, false, `${o.f} failed from ${round(m.firstFailureAt ?? 0)} ms and never had ${String(o.consecutive ?? 3)} successes in a row again`, figures);
  if (m.firstFailureAt === null) {
    return (o.mustFeel ?? true)
      ? result(name, false, `the fault had no visible effect: no ${o.f} failed after it, so there was no failover to measure (bound ${b.derivation})`, { ...figures, failoverMs: null })
      : result(name, true, `no ${o.f} failed after the fault (not required to: the mechanism hides it); bound ${b.derivation}`, figures);
  }
  return result(
    name,
    m.failoverMs <= b.ms,
    `${o.f} served again ${round(m.failoverMs)} ms (±${String(o.resolutionMs)}) after the first failure; bound ${b.derivation}`,
    figures,
  );
}

/** No op of this kind may fail within the span (a guarantee such as "reads keep succeeding"). */
export function noFailures(ops: readonly Completed[], f: OpF, span: Span | undefined, what: string, options: { allowInfo?: boolean; only?: (process: string) => boolean } = {}): CheckResult {
  const name = `no failed ${f}${what ? ` ${what}` : ""}`;
  const mine = ops.filter((o) => o.f === f && within(o.start, span) && (options.only?.(o.process) ?? true));
  const bad = mine.filter((o) => o.type === "fail" || (o.type === "info" && !options.allowInfo));
  if (mine.length === 0) return result(name, "unknown", `no ${f} ops in the window`);
  const first = bad[0];
  return result(
    name,
    bad.length === 0,
    bad.length === 0 ? `${String(mine.length)} ${f} ops, all succeeded` : `${String(bad.length)} of ${String(mine.length)} ${f} ops did not succeed; first at ${round(first?.start ?? 0)} ms: ${first?.error ?? first?.type ?? ""}`,
    { ops: mine.length, failed: bad.length },
  );
}
