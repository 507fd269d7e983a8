import type { Completed, OpF } from "../workload/op.js";
import { type Bound, asBound } from "./bound.js";
import { type CheckResult, type Span, result, round } from "./check.js";

export interface FailFastOptions {
  readonly f: OpF;
  /** Which ops are judged: those started and ended inside it. */
  readonly span: Span;
  /** The slowest a failure may answer in (the app's own timeout and the scheduler's lateness). */
  readonly limit: Bound | number;
  /** The answers a clear failure may carry (default 503 and 504: the app's dependency errors). */
  readonly statuses?: readonly number[];
  /** The dependency a clear failure names in its error (say, `pg-write`). */
  readonly naming?: string;
  /** Only the ops of these processes (one site's probe, say). */
  readonly only?: (process: string) => boolean;
  /** The check's own words (default: `<f> failed fast with a clear <statuses> naming <dependency>`). */
  readonly name?: string;
}

/**
 * What a dependency outage must look like to users: every failed op answered, within the limit, with one of the
 * statuses that say "a dependency is down" (and naming it). A 500 (an outage dressed as a bug), a dropped
 * connection or a timeout (no answer at all) is not a clear failure; nor is a slow one. Unknown when nothing
 * failed: the wording is about failures, so the scenario's "felt" control says whether there had to be any.
 */
export function failsFastAndClearly(ops: readonly Completed[], o: FailFastOptions): CheckResult {
  const statuses = o.statuses ?? [503, 504];
  const name = o.name ?? `${o.f} failed fast with a clear ${statuses.join("/")}${o.naming ? ` naming ${o.naming}` : ""}`;
  const limit = asBound(o.limit);
  const mine = ops.filter((x) => x.f === o.f && x.start >= o.span.from && x.end <= o.span.to && (o.only?.(x.process) ?? true));
  const failed = mine.filter((x) => x.type !== "ok");
  const naming = o.naming;
  const unclear = failed.filter((x) => x.value?.status === undefined || !statuses.includes(x.value.status) || (naming !== undefined && !(x.error ?? "").includes(naming)));
  const slow = failed.filter((x) => x.end - x.start > limit.ms);
  const slowest = failed.reduce((m, x) => Math.max(m, x.end - x.start), 0);
  const figures = { failed: failed.length, unclear: unclear.length, slow: slow.length, slowestFailureMs: round(slowest), limitMs: limit.ms };
  if (failed.length === 0) return result(name, "unknown", `no ${o.f} failed (of ${String(mine.length)})`, figures);
  const first = unclear[0];
  return result(
    name,
    unclear.length === 0 && slow.length === 0,
    `${String(failed.length)} of ${String(mine.length)} ${o.f} failed: ${String(unclear.length)} without a ${statuses.join("/")}${naming ? ` naming ${naming}` : ""}${first ? ` (first at ${String(round(first.start))} ms: ${first.error ?? first.type})` : ""}, ${String(slow.length)} slower than ${limit.derivation} (slowest ${String(round(slowest))} ms)`,
    figures,
  );
}
