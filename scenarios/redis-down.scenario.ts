import { noFailures } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { staleReads } from "../src/assertions/stale-reads.js";
import { defineScenario, faultThenHeal, holdFault, recoveredInTime } from "../src/scenario/define.js";
import { seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, productWrite } from "../src/workload/probes.js";

const TTL_S = 2;

const PHASES = { steadyMs: 2000, faultMs: 4000, afterMs: 2500, recoveryBoundMs: 5000 };

/**
 * Both sites lose every Redis node (Toxiproxy `down` on app-redis). Cache-aside treats the cache as optional:
 * reads fall through to the replica (slower, marked degraded), writes still commit. Origin: the product API's
 * design (app/src/products.ts), as teams run cache-aside in front of Postgres.
 */
export default defineScenario({
  name: "redis-down",
  fault: "apps cut from all Redis (Toxiproxy down on app-redis), then restored",
  expected: "product reads keep succeeding from the replica; cache hits resume after heal",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: TTL_S } },
  phases: PHASES,
  timeline: faultThenHeal(PHASES, "toxic down", "app-redis", "proxies enabled"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    // The writer keeps two of the four keys changing; the other two can only be served from the cache or the
    // replica, which is what shows cache hits stopping and resuming.
    return { probes: [productRead(ctx.http, t.caddy, keys), productWrite(ctx.http, t.caddy, keys.slice(0, 2))] };
  },
  inject: (ctx) => holdFault(ctx, PHASES, () => ctx.topology.toxic("app-redis", { type: "down" })),
  checks(e) {
    const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
    const duringFault = reads.filter((o) => o.start > e.at.fault + 200 && o.end < e.at.heal);
    const afterHeal = reads.filter((o) => e.at.steadyAt !== null && o.start > e.at.steadyAt);
    const cacheDuring = duringFault.filter((o) => o.value?.source === "cache").length;
    const cacheAfter = afterHeal.filter((o) => o.value?.source === "cache").length;
    return [
      noFailures(e.ops, "product-read", undefined, "during the whole run"),
      noFailures(e.ops, "product-write", undefined, "during the whole run"),
      result("reads served by the database while Redis is cut", duringFault.length > 0 && cacheDuring === 0, `${String(duringFault.length)} reads during the cut, ${String(cacheDuring)} from the cache`, { reads: duringFault.length, cacheHits: cacheDuring }),
      result("cache hits resume after heal", cacheAfter > 0, `${String(cacheAfter)} of ${String(afterHeal.length)} reads after recovery came from the cache`, { cacheHits: cacheAfter }),
      staleReads(e.ops, { boundMs: TTL_S * 1000 + 1000 }),
      recoveredInTime(e),
    ];
  },
});
