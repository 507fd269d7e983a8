import { failover, noFailures } from "../src/assertions/availability.js";
import { bound } from "../src/assertions/bound.js";
import { result } from "../src/assertions/check.js";
import { sessions } from "../src/assertions/sessions.js";
import { SENTINEL_PERIODS } from "../src/cluster/redis-sentinel.js";
import { defineScenario, faultThenHeal, measurement, recoveredInTime } from "../src/scenario/define.js";
import { login, seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, sessionRead } from "../src/workload/probes.js";
import { MUTANTS } from "./mutants.js";

// Recovery includes Sentinel turning the restarted master into a replica: it notices the instance on its
// periodic INFO poll (every 10 s for a known instance), so the bound is that period plus the resync.
const PHASES = { steadyMs: 2000, faultMs: 6000, afterMs: 1500, recoveryBoundMs: 15_000 };

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
  phases: PHASES,
  timeline: faultThenHeal(PHASES, "kill", "redis-1", "start again"),
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
    await ctx.hold(this.phases.faultMs);
    return [kill];
  },
  checks(e) {
    const old = String(e.observed.oldMaster);
    const now = e.facts.redis;
    const masters = new Set(now?.sentinelMasters ?? []);
    const s = e.spec.timings.sentinel;
    // What a failover needs, not what caps a slow one: the master is subjectively down after down-after; the
    // others are asked within one ASK period; the failover starts within MAX_DESYNC; the promotion is seen on the
    // next INFO of the replica; the apps' in-flight commands to the dead master fail within their timeout.
    // (failover-timeout only limits an attempt that stalls, so it is no part of the bound.)
    const b = bound(
      ["down-after", s.downAfterMs],
      ["Sentinel ask period", SENTINEL_PERIODS.askMs],
      ["Sentinel max desync", SENTINEL_PERIODS.maxDesyncMs],
      ["Sentinel failover INFO period", SENTINEL_PERIODS.failoverInfoMs],
      ["app dep timeout", e.spec.timings.app.depTimeoutMs],
      ...measurement(e.spec),
    );
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
