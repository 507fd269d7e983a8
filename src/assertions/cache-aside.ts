import type { Completed } from "../workload/op.js";
import { type Bound, asBound } from "./bound.js";
import { type CheckResult, type Span, result, round, within } from "./check.js";
import { findStaleReads, type StaleKinds, type StaleRead } from "./stale-reads.js";

export interface CacheAsideOptions {
  /** How long an entry lives once written (the TTL, with its measurement terms). */
  readonly ttl: Bound | number;
  /** How far a replica may lag behind the primary: a miss started this long after a write may still read the old row. */
  readonly lagMs: number;
  /** The op kinds judged (default product-write and product-read). */
  readonly kinds?: StaleKinds;
  readonly span?: Span;
  /** What a write's answer says when its invalidation is known to have failed (default `cache:stale`). */
  readonly staleNote?: string;
}

/** Why a stale cache read is allowed, or that nothing allows it. */
export type StaleCacheReason =
  | { readonly kind: "invalidation-failed"; readonly write: Completed }
  | { readonly kind: "race"; readonly fill: Completed }
  | { readonly kind: "unexplained" };

/**
 * Cache-aside's staleness as the mechanism allows it, not the TTL alone. A cached read older than an acknowledged
 * write is explained only:
 * - by a write whose answer said its invalidation failed (`cache:stale`): the old entry lives out its TTL from it;
 * - or by cache-aside's race: a miss that read the old row (before the write's commit, or from a replica lagging
 *   behind it) and filled the cache after the write's delete; the entry then lives one TTL from that fill.
 * After a write that reported its entry invalidated, a stale cached read with no such racing miss means the
 * invalidation did nothing (the wrong key, an expiry reset instead of a delete): false, whatever the TTL.
 */
export function explainStaleCacheRead(ops: readonly Completed[], s: StaleRead, o: CacheAsideOptions): StaleCacheReason {
  const writeF = o.kinds?.write ?? "product-write";
  const readF = o.kinds?.read ?? "product-read";
  const staleNote = o.staleNote ?? "cache:stale";
  const ttlMs = asBound(o.ttl).ms;
  // The newer writes acknowledged before the read: each one's answer says what it did to the entry.
  const newer = ops.filter((w) => w.f === writeF && w.type === "ok" && w.value?.key === s.key && (w.value.version ?? 0) > s.readVersion && w.end <= s.at);
  const failed = newer.find((w) => w.value?.note === staleNote && s.at - w.end <= ttlMs);
  if (failed) return { kind: "invalidation-failed", write: failed };
  // A fill of the version read: a miss of the same key that returned it (or may have: it never answered), whose
  // set may have landed after a newer write's delete, and which read before that write was visible.
  const fill = ops.find(
    (r) =>
      r.f === readF &&
      r.value?.key === s.key &&
      r.value.source !== "cache" &&
      (r.type === "ok" ? r.value.version === s.readVersion : true) &&
      r.end <= s.at &&
      s.at - r.end <= ttlMs &&
      newer.some((w) => r.end >= w.start && r.start <= w.end + o.lagMs),
  );
  if (fill) return { kind: "race", fill };
  return { kind: "unexplained" };
}

/** The cache-aside staleness check: every stale cached read explained by a reported failed invalidation or the race. */
export function cacheAsideStaleness(ops: readonly Completed[], o: CacheAsideOptions): CheckResult {
  const name = "stale cache reads only where cache-aside allows them";
  const stale = findStaleReads(ops, o.span, (r) => r.value?.source === "cache", o.kinds);
  const readF = o.kinds?.read ?? "product-read";
  const cached = ops.filter((r) => r.f === readF && r.type === "ok" && r.value?.source === "cache" && within(r.start, o.span)).length;
  const reasons = stale.map((s) => ({ s, why: explainStaleCacheRead(ops, s, o) }));
  const unexplained = reasons.filter((r) => r.why.kind === "unexplained");
  const byRace = reasons.filter((r) => r.why.kind === "race").length;
  const byFailure = reasons.filter((r) => r.why.kind === "invalidation-failed").length;
  const max = stale.reduce((m, s) => Math.max(m, s.stalenessMs), 0);
  const figures = { count: stale.length, unexplained: unexplained.length, byRace, byFailedInvalidation: byFailure, maxStalenessMs: round(max), cachedReads: cached };
  if (cached === 0) return result(name, "unknown", "no read was served from the cache", figures);
  const first = unexplained[0]?.s;
  return {
    ...(unexplained.length ? { convicted: { stale: unexplained.map((r) => r.s.id) } } : {}),
    ...result(
      name,
      unexplained.length === 0,
      `${String(stale.length)} of ${String(cached)} cached reads stale (max ${String(round(max))} ms): ${String(byFailure)} after a write that reported its invalidation failed, ${String(byRace)} filled by a miss racing a write (within the TTL ${asBound(o.ttl).derivation}), ${String(unexplained.length)} after writes that reported their entry invalidated, with no racing miss${first ? ` (first at ${String(round(first.at))} ms: ${first.key} v${String(first.readVersion)} < v${String(first.latestVersion)}, ${String(round(first.stalenessMs))} ms stale)` : ""}`,
      figures,
    ),
  };
}
