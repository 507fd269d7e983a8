import { noFailures } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { recovery } from "../src/assertions/recovery.js";
import { findStaleReads, staleReads } from "../src/assertions/stale-reads.js";
import { defineScenario } from "../src/scenario/define.js";
import { seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, productWrite } from "../src/workload/probes.js";

const TTL_S = 2;

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
  phases: { steadyMs: 2000, faultMs: 5000, afterMs: 2000, recoveryBoundMs: 5000 },
  timeline: [
    { atMs: 0, action: "toxic down", target: "app-sbg-redis" },
    { atMs: 5000, action: "heal: proxies enabled", target: "app-sbg-redis" },
  ],
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 3);
    return { probes: [productWrite(ctx.http, t.sbg, keys), productRead(ctx.http, t.gra, keys)] };
  },
  async inject(ctx) {
    const cut = await ctx.topology.toxic("app-sbg-redis", { type: "down" });
    await ctx.hold(this.phases.faultMs);
    return [cut];
  },
  checks(e) {
    const staleFromCache = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "cache");
    return [
      result("stale cache observed while invalidation fails", staleFromCache.length > 0, `${String(staleFromCache.length)} stale reads from the cache during the cut`, { count: staleFromCache.length }),
      staleReads(e.ops, { boundMs: TTL_S * 1000 + 500, sources: ["cache"] }),
      noFailures(e.ops, "product-write", undefined, "(the database commits without Redis)"),
      noFailures(e.ops, "product-read", undefined, ""),
      recovery({ healedAt: e.at.heal, steadyAt: e.at.steadyAt, problems: e.recoveryProblems }, e.phases.recoveryBoundMs),
    ];
  },
});
