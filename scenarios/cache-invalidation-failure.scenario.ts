import { noFailures } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { findStaleReads, staleReads } from "../src/assertions/stale-reads.js";
import { defineScenario, faultThenHeal, holdFault, recoveredInTime } from "../src/scenario/define.js";
import { seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, productWrite } from "../src/workload/probes.js";

const TTL_S = 2;

const PHASES = { steadyMs: 2000, faultMs: 5000, afterMs: 2000, recoveryBoundMs: 5000 };

/**
 * sbg writes while it cannot reach Redis: each PUT commits but cannot delete the cached entry, so gra (which still
 * reaches Redis) serves the old version from the cache until the entry's TTL runs out: at most one TTL, never
 * longer. Origin: cache-aside's known failure mode when invalidation is lost.
 */
export default defineScenario({
  name: "cache-invalidation-failure",
  fault: "Redis cut from the writing site (app-sbg-redis down) during PUTs; restored",
  expected: "stale cache served at most one TTL, never longer",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: TTL_S } },
  phases: PHASES,
  timeline: faultThenHeal(PHASES, "toxic down", "app-sbg-redis", "proxies enabled"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 3);
    return { probes: [productWrite(ctx.http, t.sbg, keys), productRead(ctx.http, t.gra, keys)] };
  },
  inject: (ctx) => holdFault(ctx, PHASES, () => ctx.topology.toxic("app-sbg-redis", { type: "down" })),
  checks(e) {
    const staleFromCache = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "cache");
    return [
      result("stale cache observed while invalidation fails", staleFromCache.length > 0, `${String(staleFromCache.length)} stale reads from the cache during the cut`, { count: staleFromCache.length }),
      staleReads(e.ops, { boundMs: TTL_S * 1000 + 500, sources: ["cache"] }),
      noFailures(e.ops, "product-write", undefined, "(the database commits without Redis)"),
      noFailures(e.ops, "product-read", undefined, ""),
      recoveredInTime(e),
    ];
  },
});
