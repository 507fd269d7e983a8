import { type ClientMemory, control, defineScenario, itemRead, itemsOnEachNode, itemWrite, login, lostWrites, noFailures, nothingToRecover, productRead, productWrite, readYourWrites, recoveredInTime, seedProducts, sessionRead, sessions, staleReads, targets, union } from "../src/index.js";
import { cacheAsideStale, cacheTtlBound, invalidationWorked } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/**
 * No fault: the whole workload on the full topology. Every check must hold, and the figures (stale reads from
 * replica lag and the cache-aside race, bounded by the cache TTL) are the baseline the other scenarios are read
 * against. Origin: Chaos Toolkit's steady-state hypothesis, checked before any method runs.
 */
export default defineScenario({
  name: "steady-state",
  fault: "none",
  expected: "every check valid under the workload; baseline figures",
  topology: { app: { cacheTtlS: 2 } },
  mechanisms: ["sentinel", "haproxy-checks", "pg-streaming", "caddy-failover", "app-settings", "mysql-replication", "cache-ttl"],
  mutants: [MUTANTS.cacheNoTtl, MUTANTS.itemsNoCommit, MUTANTS.cacheInvalidationWrongKey],
  phases: (spec) => ({ faultMs: 3000, afterMs: 1000, recovery: nothingToRecover(spec) }),
  timeline: [{ atMs: 0, action: "nothing", target: "-" }],
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    const redis = await login(ctx, t.caddy, "redis", "steady-redis");
    const mysql = await login(ctx, t.caddy, "mysql", "steady-mysql");
    const memory: ClientMemory = { lastAcked: null };
    const prefix = `${ctx.tag}-i`;
    return {
      probes: [
        // Half the keys change, so the other half are served from the cache: both paths run.
        productWrite(ctx.http, t.caddy, keys.slice(0, 2)),
        productRead(ctx.http, t.caddy, keys),
        sessionRead(ctx.http, t.caddy, "redis", () => redis),
        sessionRead(ctx.http, t.caddy, "mysql", () => mysql),
        itemWrite(ctx.http, t.caddy, prefix, "items/write", memory),
        itemRead(ctx.http, t.caddy, "items/read", memory),
      ],
      finalRead: async () => {
        const nodes = await itemsOnEachNode(ctx.topology, prefix);
        return { "item-write": union(nodes["mysql-1"], nodes["mysql-2"]) };
      },
    };
  },
  async inject(ctx) {
    await ctx.hold(ctx.phases.faultMs);
    return [];
  },
  checks(e) {
    const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
    const sources = new Set(reads.map((o) => o.value?.source));
    return [
      // The cache-aside path was exercised, not only configured: hits and misses read from the replica (the
      // stale-read checks below say nothing if no read ever came from the cache)...
      control(
        "workload exercised cache hits and replica reads",
        sources.has("cache") && sources.has("replica"),
        `product reads by source: ${["cache", "replica", "primary"].map((s) => `${s} ${String(reads.filter((o) => o.value?.source === s).length)}`).join(", ")}`,
      ),
      // ...and invalidation worked: the entry was gone after a write said so, not only that writes succeeded.
      invalidationWorked(e),
      ...(["product-write", "product-read", "session-read", "item-write", "item-read"] as const).map((f) => noFailures(e.ops, f, undefined, "")),
      sessions(e.ops, { from: e.at.steady, settledAt: e.at.heal }),
      // No read older than one TTL, whatever its source...
      staleReads(e.ops, { bound: cacheTtlBound(e.spec) }),
      // ...and a stale cached read only where cache-aside's race explains it (every write here reports its entry
      // invalidated): a miss read the old row and filled the cache after the write's delete.
      cacheAsideStale(e),
      readYourWrites(e.ops, { write: "item-write", read: "item-read" }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
