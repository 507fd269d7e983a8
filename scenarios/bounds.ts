import { type Bound, bound, cacheAsideStaleness, type CheckResult, control, type Evidence, explainStaleCacheRead, measurement, SENTINEL_PERIODS, SENTINEL_TILT, type Span, type TopologySpec } from "../src/index.js";

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

/**
 * From the heal to one master again when the old master comes back (restarted, thawed, or no longer cut off):
 * Sentinel turns an instance it lists as a replica but that reports itself master into a replica once it has
 * reported so for the convert wait, seen at an INFO read (every INFO period). Measured 10.2–11.5 s in both
 * profiles (Sentinel's periods are not configurable).
 */
export function sentinelConvertsReturnedMaster(spec: TopologySpec): Bound {
  return bound(["Sentinel convert wait", SENTINEL_PERIODS.convertWaitMs], ["Sentinel INFO period", SENTINEL_PERIODS.infoMs], ...measurement(spec));
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

/** The shortest a detector's own timers let a live node be marked down and back (one flap). */
export const FLAP_CYCLES = {
  /** HAProxy: `fall` checks `inter` apart to mark it DOWN, then `downinter` and `rise - 1` checks `fastinter` (= inter) apart to mark it UP. */
  haproxy: (spec: TopologySpec): Bound => bound(["inter", spec.timings.haproxy.interMs, "fall", spec.timings.haproxy.fall], ["downinter", spec.timings.haproxy.downInterMs], ["fastinter", spec.timings.haproxy.interMs, "rise - 1", spec.timings.haproxy.rise - 1]),
  /** Caddy: one failed active check takes a site out, the next passing one (an interval later) brings it back. */
  caddy: (spec: TopologySpec): Bound => bound(["health_interval", spec.timings.caddy.healthIntervalMs]),
  /** Sentinel: a master is failed over only after down-after without a valid reply. */
  sentinel: (spec: TopologySpec): Bound => bound(["down-after", spec.timings.sentinel.downAfterMs]),
} as const;

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

/** Cache-aside's staleness as the mechanism allows it: the TTL for a reported failed invalidation or a racing fill. */
export function cacheAsideStale(e: Pick<Evidence, "ops" | "spec">, span?: Span): CheckResult {
  return cacheAsideStaleness(e.ops, { ttl: cacheTtlBound(e.spec), lagMs: e.spec.margins.asyncLagMs, ...(span ? { span } : {}) });
}

/**
 * The positive control of invalidation: writes reported their entry invalidated, and the entry was gone (the next
 * read of that key after such a write was a miss, or already the new version), not only that writes succeeded.
 */
export function invalidationWorked(e: Pick<Evidence, "ops" | "spec">): CheckResult {
  const invalidated = e.ops.filter((o) => o.f === "product-write" && o.type === "ok" && o.value?.note === "cache:invalidated");
  const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
  const opts = { ttl: cacheTtlBound(e.spec), lagMs: e.spec.margins.asyncLagMs };
  let gone = 0;
  let raced = 0;
  let stayed = 0;
  for (const w of invalidated) {
    const next = reads.find((r) => r.value?.key === w.value?.key && r.start > w.end);
    if (!next) continue;
    const version = next.value?.version ?? 0;
    if (next.value?.source !== "cache" || version >= (w.value?.version ?? 0)) gone += 1;
    // A hit on the old version: only cache-aside's race (a miss filling it after the delete) explains it.
    else if (explainStaleCacheRead(e.ops, { id: next.id, key: w.value?.key ?? "", at: next.start, readVersion: version, latestVersion: w.value?.version ?? 0, stalenessMs: next.start - w.end }, opts).kind === "race") raced += 1;
    else stayed += 1;
  }
  return control(
    "writes invalidated their cache entry (the next read of the key was a miss or the new version)",
    gone > 0 && stayed === 0,
    `${String(invalidated.length)} writes answered cache:invalidated; the next read after each found the entry gone or new ${String(gone)} times, the old one refilled by a racing miss ${String(raced)}, the old entry still there ${String(stayed)}`,
    { invalidated: invalidated.length, seenGone: gone, raced, stayed },
  );
}
