import { bound, type Bound, type Completed, measurement, type TopologySpec } from "brownout";
import { checksOf, haproxyTimeoutMs } from "./stack.js";

/**
 * haproxy-01 marks PgBouncer down after fall failed checks, inter apart; a check of a dead server fails on its
 * connect, which HAProxy bounds by the smaller of timeout connect and inter (timeout check bounds only the reply).
 */
export function detectionBound(spec: TopologySpec): Bound {
  const h = checksOf(spec);
  return bound(["inter", h.interMs, "fall", h.fall], ["a failing check's connect (min of timeout connect, inter)", Math.min(haproxyTimeoutMs("connect"), h.interMs), "fall", h.fall], ...measurement(spec));
}

/** Once no server is up, HAProxy closes a new client at once: no connect is tried; only the probe's lateness counts. */
function failureBound(spec: TopologySpec): Bound {
  return bound(["closed at once (no server up)", 0], ["scheduler lateness", spec.margins.schedulerLatenessMs]);
}

/**
 * The writes through 6432 that failed while PgBouncer was gone, once haproxy-01 must have marked it down, and how
 * many of them took longer than failing at once: a regression that keeps sending clients to a dead PgBouncer (no
 * check) has each wait on a connect to it.
 */
export function failuresOnceMarkedDown(ops: readonly Completed[], spec: TopologySpec, window: { readonly from: number; readonly to: number }): { afterDetection: Completed[]; slow: Completed[]; slowest: number; detect: Bound; fails: Bound } {
  const detect = detectionBound(spec);
  const fails = failureBound(spec);
  const afterDetection = ops.filter((o) => o.f === "pool-write" && o.type !== "ok" && o.start >= window.from + detect.ms && o.start < window.to);
  const slow = afterDetection.filter((o) => o.end - o.start > fails.ms);
  const slowest = afterDetection.reduce((m, o) => Math.max(m, o.end - o.start), 0);
  return { afterDetection, slow, slowest, detect, fails };
}
