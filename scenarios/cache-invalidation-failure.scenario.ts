import { APP_REDIS_RETRY_MS, clientReconnectsTerms, control, defineScenario, faultThenHeal, findStaleReads, holdFault, noFailures, productRead, productWrite, recoveredInTime, recoveryBound, seedProducts, staleReads, targets } from "../src/index.js";
import { cacheAsideStale, cacheTtlBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

const PHASES = { faultMs: 5000, afterMs: 2000 };

/**
 * sbg writes while it cannot reach Redis: each PUT commits but cannot delete the cached entry, so gra (which still
 * reaches Redis) serves the old version from the cache until the entry's TTL runs out: at most one TTL, never
 * longer. Origin: cache-aside's known failure mode when invalidation is lost (seed 004).
 */
export default defineScenario({
  name: "cache-invalidation-failure",
  fault: "Redis cut from the writing site (app-sbg-redis down) during PUTs; restored",
  expected: "stale cache served at most one TTL, never longer",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: 2 } },
  mechanisms: ["app-settings", "pg-streaming", "cache-ttl"],
  mutants: [MUTANTS.cacheNoTtl, MUTANTS.cacheTtl30s, MUTANTS.cacheInvalidationWrongKey],
  // Healed, the writing site's Redis client is back at its next reconnect.
  phases: (spec) => ({ ...PHASES, recovery: recoveryBound(spec, ...clientReconnectsTerms(spec, APP_REDIS_RETRY_MS)) }),
  timeline: faultThenHeal("toxic down", "app-sbg-redis", "proxies enabled"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 3);
    return { probes: [productWrite(ctx.http, t.sbg, keys), productRead(ctx.http, t.gra, keys)] };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.toxic("app-sbg-redis", { type: "down" })),
  checks(e) {
    const staleFromCache = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "cache");
    const missed = e.ops.filter((o) => o.f === "product-write" && o.type === "ok" && o.value?.note === "cache:stale").length;
    const b = cacheTtlBound(e.spec);
    return [
      control("invalidation failed and stale entries were served", staleFromCache.length > 0, `${String(staleFromCache.length)} stale reads from the cache during the cut; ${String(missed)} writes answered cache: stale`, { count: staleFromCache.length }),
      staleReads(e.ops, { bound: b, sources: ["cache"] }),
      // Outside the cut every write reports its entry invalidated: there a stale cached read needs cache-aside's race.
      cacheAsideStale(e),
      noFailures(e.ops, "product-write", undefined, "(the database commits without Redis)"),
      noFailures(e.ops, "product-read", undefined, ""),
      recoveredInTime(e),
    ];
  },
});
