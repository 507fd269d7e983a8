import { defineScenario, failover, faultThenHeal, noFailures, OBSERVE_MS, recoveredInTime, sessions } from "../src/index.js";
import { sentinelConvertsReturnedMaster, sentinelFailoverBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { observeRedis, onCurrentMaster, redisMasterWorkload, sentinelOutcome } from "./redis-master.js";


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
  phases: (spec) => ({ faultMs: sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: sentinelConvertsReturnedMaster(spec).ms }),
  timeline: faultThenHeal("kill", "redis-1", "start again"),
  workload: (ctx) => redisMasterWorkload(ctx, "r"),
  inject: (ctx, observed) => onCurrentMaster(ctx, observed, (master) => ctx.topology.kill(master)),
  observe: observeRedis,
  checks(e) {
    const b = sentinelFailoverBound(e.spec);
    return [
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      noFailures(e.ops, "product-read", undefined, "(cache optional)"),
      ...sentinelOutcome(e, "restarted"),
      recoveredInTime(e),
    ];
  },
});
