import { APP_REDIS_RETRY_MS, clientReconnectsTerms, control, defineScenario, faultThenHeal, holdFault, noFailures, OBSERVE_MS, productRead, productWrite, recoveredInTime, recoveryBound, result, seedProducts, staleReads, targets } from "../src/index.js";
import { cacheAsideStale, cacheTtlBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/**
 * Both sites lose every Redis node (Toxiproxy `down` on app-redis). Cache-aside treats the cache as optional:
 * reads fall through to the replica (slower, marked degraded), writes still commit. Origin: the product API's
 * design (app/src/products.ts), as teams run cache-aside in front of Postgres (seed 004).
 */
export default defineScenario({
  name: "redis-down",
  fault: "apps cut from all Redis (Toxiproxy down on app-redis), then restored",
  expected: "product reads keep succeeding from the replica; cache hits resume after heal",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: 2 } },
  mechanisms: ["pg-streaming", "caddy-failover", "app-settings", "cache-ttl"],
  mutants: [MUTANTS.cacheErrorsFailRequests, MUTANTS.healthRequiresAllDeps],
  // Cut for one dependency timeout (reads in flight at the cut may still be answered by Redis, or time out) and
  // then watched: the checks judge the reads after that first timeout.
  phases: (spec) => ({ faultMs: spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 2500, recovery: recoveryBound(spec, ...clientReconnectsTerms(spec, APP_REDIS_RETRY_MS)) }),
  timeline: faultThenHeal("toxic down", "app-redis", "proxies enabled"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    // The writer keeps two of the four keys changing; the other two can only be served from the cache or the
    // replica, which is what shows cache hits stopping and resuming.
    return { probes: [productRead(ctx.http, t.caddy, keys), productWrite(ctx.http, t.caddy, keys.slice(0, 2))] };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.toxic("app-redis", { type: "down" })),
  checks(e) {
    const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
    // One dependency timeout after the cut, every read has met it (a read in flight may still be answered by Redis).
    const cutFrom = e.at.fault + e.spec.timings.app.depTimeoutMs;
    const duringFault = reads.filter((o) => o.start > cutFrom && o.end < e.at.heal);
    const afterHeal = reads.filter((o) => e.at.steadyAt !== null && o.start > e.at.steadyAt);
    const cacheBefore = reads.filter((o) => o.end < e.at.fault && o.value?.source === "cache").length;
    const cacheDuring = duringFault.filter((o) => o.value?.source === "cache").length;
    const cacheAfter = afterHeal.filter((o) => o.value?.source === "cache").length;
    return [
      // Felt: the cache served before the cut and not during it, so reads really lost Redis.
      control("the cut was felt: cache hits before, none during", cacheBefore > 0 && duringFault.length > 0 && cacheDuring === 0, `${String(cacheBefore)} cache hits before the cut; during it ${String(duringFault.length)} reads, ${String(cacheDuring)} from the cache`, { reads: duringFault.length, cacheHits: cacheDuring }),
      noFailures(e.ops, "product-read", undefined, "during the whole run"),
      noFailures(e.ops, "product-write", undefined, "during the whole run"),
      result("cache hits resume after heal", cacheAfter > 0, `${String(cacheAfter)} of ${String(afterHeal.length)} reads after recovery came from the cache`, { cacheHits: cacheAfter }),
      staleReads(e.ops, { bound: cacheTtlBound(e.spec) }),
      cacheAsideStale(e),
      recoveredInTime(e),
    ];
  },
});
