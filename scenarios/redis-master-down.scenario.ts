import { failover, noFailures } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { sessions } from "../src/assertions/sessions.js";
import { OBSERVE_MS, defineScenario, faultThenHeal, recoveredInTime } from "../src/scenario/define.js";
import { sentinelFailoverBound } from "./bounds.js";
import { login, seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, sessionRead } from "../src/workload/probes.js";
import { MUTANTS } from "./mutants.js";


/**
 * SIGKILL the Redis master. Sentinel (down-after, then a quorum of 2 of 3) promotes the replica; the apps' ioredis
 * follows Sentinel's switch. Sessions were replicated before the kill, so none is lost. The old master, restarted,
 * is turned into a replica by Sentinel. Origin: Redis Sentinel's documented failover (seed 003).
 */
export default defineScenario({
  name: "redis-master-down",
  fault: "kill the Redis master (SIGKILL); restart it after the failover",
  expected: "Sentinel promotes; sessions kept; failoverMs within bound; old master rejoins as replica",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: 2 } },
  mechanisms: ["sentinel", "caddy-failover", "app-settings"],
  mutants: [MUTANTS.redisWithoutSentinel, MUTANTS.sentinelDownAfter30s],
  // The kill is held past the failover bound, then the new master is watched. Recovery includes Sentinel turning
  // the restarted master into a replica: it notices the instance on its periodic INFO poll (every 10 s for a
  // known instance), so the recovery bound is that period plus the resync.
  phases: (spec) => ({ steadyMs: 2000, faultMs: sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: 15_000 }),
  timeline: faultThenHeal("kill", "redis-1", "start again"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    const cookies = [await login(ctx, t.caddy, "redis", "r1"), await login(ctx, t.caddy, "redis", "r2")];
    return {
      probes: [
        ...cookies.map((c, i) => ({ ...sessionRead(ctx.http, t.caddy, "redis", () => c), name: `session-redis-${String(i)}@caddy` })),
        productRead(ctx.http, t.caddy, keys),
      ],
    };
  },
  async inject(ctx, observed) {
    const { facts } = await ctx.topology.facts();
    const master = facts.redis?.sentinelMasters[0] ?? "redis-1";
    observed.oldMaster = master;
    const kill = await ctx.topology.kill(master);
    await ctx.hold(ctx.phases.faultMs);
    return [kill];
  },
  checks(e) {
    const old = String(e.observed.oldMaster);
    const now = e.facts.redis;
    const masters = new Set(now?.sentinelMasters ?? []);
    const b = sentinelFailoverBound(e.spec);
    return [
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      noFailures(e.ops, "product-read", undefined, "(cache optional)"),
      result("Sentinel promoted the replica", masters.size === 1 && !masters.has(old), `Sentinels report ${[...masters].join(", ") || "nothing"}; the killed master was ${old}`),
      result("old master rejoined as replica", now?.nodes[old]?.role === "slave" && now.nodes[old]?.linkUp === true, `${old} is ${now?.nodes[old]?.role ?? "unknown"} (link ${String(now?.nodes[old]?.linkUp)})`),
      recoveredInTime(e),
    ];
  },
});
