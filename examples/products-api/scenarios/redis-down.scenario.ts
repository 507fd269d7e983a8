import { cacheAsideStaleness, clientReconnectsTerms, control, defineScenario, faultTimeline, holdFault, noFailures, OBSERVE_MS, recoveredInTime, recoveryBound, result, staleReads, targets, toxic } from "brownout";
import { cacheTtl } from "./bounds.js";
import { reads, seed, writes } from "./workload.js";

/** Every app→Redis link down: connections refused, as when the cache node is gone. */
const CUT = toxic("app-redis", { type: "down" });

/**
 * Seed 004, "Panne Redis": the API keeps working by reading the replica directly (slower, service kept). Both
 * sites lose Redis (Toxiproxy `down` on every app→Redis link), then get it back.
 */
export default defineScenario({
  name: "products-redis-down",
  fault: "both API sites cut from Redis (Toxiproxy down on app-redis), then restored",
  expected: "reads keep succeeding from the replica, writes keep committing; cache hits resume after the heal (seed 004)",
  topology: {},
  mechanisms: ["pg-streaming", "haproxy-checks", "caddy-failover", "cache-ttl"],
  mutants: [
    { name: "cache-errors-fail-requests", regression: "a Redis error is returned to the user instead of read through to the replica", deploy: { app: { testBugs: ["cache-errors-fail-requests"] } } },
    { name: "health-requires-all-deps", regression: "/health fails when the cache is down, so Caddy takes both sites out", deploy: { app: { testBugs: ["health-requires-all-deps"] } } },
    { name: "cache-invalidation-wrong-key", regression: "the cache key renamed in the write path only: every write answers invalidated while the old entry stays for its TTL", deploy: { app: { testBugs: ["cache-invalidation-wrong-key"] } } },
  ],
  phases: (spec) => ({ faultMs: spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 2500, recovery: recoveryBound(spec, ...clientReconnectsTerms(spec)) }),
  timeline: faultTimeline(CUT, "proxies enabled"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seed(ctx, t.gra, 4);
    // Two keys keep changing (their reads miss after each write); the other two are served from the cache.
    return { probes: [reads(ctx.http, t.caddy, keys), writes(ctx.http, t.caddy, keys.slice(0, 2))] };
  },
  inject: (ctx) => holdFault(ctx, CUT),
  checks(e) {
    const ok = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
    const cutFrom = e.at.fault + e.spec.timings.app.depTimeoutMs;
    const during = ok.filter((o) => o.start > cutFrom && o.end < e.at.heal);
    const before = ok.filter((o) => o.end < e.at.fault && o.value?.source === "cache").length;
    const after = ok.filter((o) => e.at.steadyAt !== null && o.start > e.at.steadyAt && o.value?.source === "cache").length;
    return [
      control("the cut was felt: cache hits before it, none during", before > 0 && during.length > 0 && during.every((o) => o.value?.source !== "cache"), `${String(before)} cache hits before; ${String(during.length)} reads during the cut, ${String(during.filter((o) => o.value?.source === "cache").length)} from the cache`),
      noFailures(e.ops, "product-read", undefined, "during the whole run"),
      noFailures(e.ops, "product-write", undefined, "during the whole run"),
      result("reads during the cut came from the replica", during.length > 0 && during.every((o) => o.value?.source === "replica"), `${String(during.length)} reads during the cut by source: ${[...new Set(during.map((o) => o.value?.source))].join(", ")}`),
      result("cache hits resume after the heal", after > 0, `${String(after)} cache hits after recovery`),
      staleReads(e.ops, { bound: cacheTtl(e.spec) }),
      // Outside the cut every write answers invalidated: a stale cached read then needs cache-aside's race.
      cacheAsideStaleness(e.ops, { ttl: cacheTtl(e.spec), lagMs: e.spec.margins.asyncLagMs }),
      recoveredInTime(e),
    ];
  },
});
