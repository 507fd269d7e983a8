import { type Bound, bound, type Evidence, measurement, SENTINEL_PERIODS, SENTINEL_TILT, type Term, type TopologySpec } from "../src/index.js";

/**
 * How long a Redis master may be unusable before the apps are served by the promoted replica: what a failover
 * needs, not what caps a slow one. The master is subjectively down after down-after; the other Sentinels are
 * asked within one ASK period; the failover starts within MAX_DESYNC; the promotion is seen on the replica's next
 * INFO (every second during a failover); the apps' commands in flight to the old master fail within their
 * timeout. failover-timeout only limits an attempt that stalls, so it is no part of the bound.
 */
export function sentinelFailoverBound(spec: TopologySpec): Bound {
  return bound(
    ["down-after", spec.timings.sentinel.downAfterMs],
    ["Sentinel ask period", SENTINEL_PERIODS.askMs],
    ["Sentinel max desync", SENTINEL_PERIODS.maxDesyncMs],
    ["Sentinel failover INFO period", SENTINEL_PERIODS.failoverInfoMs],
    ["app dep timeout", spec.timings.app.depTimeoutMs],
    ...measurement(spec),
  );
}

/**
 * From the restart of a master whose failover Sentinel aborted to one master again: the aborted failover's retry
 * comes up to 2 × failover-timeout after the abort and, once the restarted master's replica has its link back, may
 * promote it within failover-timeout; the returned master is then converted at an INFO read after Sentinel's
 * convert wait. A Sentinel that entered TILT again (its timer ran late again) acts on nothing for TILT's period.
 */
export function sentinelRestartRecoveryBound(spec: TopologySpec, tiltAgain: boolean): Bound {
  const timeout = spec.timings.sentinel.failoverTimeoutMs;
  return bound(
    ["failover-timeout", timeout, "retry delay factor", 2],
    ["failover-timeout", timeout],
    ["Sentinel convert wait", SENTINEL_PERIODS.convertWaitMs],
    ["Sentinel INFO period", SENTINEL_PERIODS.infoMs],
    ...(tiltAgain ? [["TILT entered again", SENTINEL_TILT.periodMs] as const] : []),
    ...measurement(spec),
  );
}

/** A request that meets a dead or frozen dependency is answered within the app's bound, seen one lateness late. */
export function failFastBound(spec: TopologySpec): Bound {
  return bound(["app dep timeout", spec.timings.app.depTimeoutMs], ["scheduler lateness", spec.margins.schedulerLatenessMs]);
}

/**
 * How stale a cached entry may be: it lives one TTL from when it was filled, which is no earlier than the write it
 * missed (cache-aside's race, or a lost invalidation), seen by probes one interval apart.
 */
export function cacheTtlBound(spec: TopologySpec): Bound {
  return bound(["cache TTL", spec.app.cacheTtlS * 1000], ...measurement(spec));
}

/** HAProxy marks a server down after `fall` failed checks `inter` apart, each given the check timeout. */
export function haproxyDetection(spec: TopologySpec): Bound {
  const h = spec.timings.haproxy;
  return bound(["inter", h.interMs, "fall", h.fall], ["check timeout", h.checkTimeoutMs], ...measurement(spec));
}

/**
 * HAProxy sees a DOWN server come up: its next check comes within `downinter`; once one passes the server is in
 * transition and checked every `fastinter` (the template sets it to `inter`) until `rise` passed, each check
 * given its timeout.
 */
export function haproxySeesUpTerms(spec: TopologySpec): Term[] {
  const h = spec.timings.haproxy;
  return [["downinter", h.downInterMs], ["fastinter", h.interMs, "rise - 1", h.rise - 1], ["check timeout", h.checkTimeoutMs], ...measurement(spec)];
}

/**
 * A server's failover through HAProxy: it is marked down after `fall` failed checks `inter` apart, each given the
 * check timeout (then HAProxy shuts its sessions, on-marked-down), and a query in flight on one meets the app's
 * timeout at worst.
 */
export function haproxyFailoverBound(spec: TopologySpec): Bound {
  const h = spec.timings.haproxy;
  return bound(["inter", h.interMs, "fall", h.fall], ["check timeout", h.checkTimeoutMs], ["app dep timeout", spec.timings.app.depTimeoutMs], ...measurement(spec));
}

/** When the operator's pg_promote() had returned, ms after the fault (from the journal; NaN if it never did). */
export function promotedAfterMs(e: Evidence): number {
  const promote = e.journal.find((j) => j.f === "promote" && j.outcome === "ok");
  return promote ? promote.t + promote.durationMs - e.at.fault : Number.NaN;
}
