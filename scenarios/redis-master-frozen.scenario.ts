import { control, defineScenario, failover, faultInForceAt, faultThenHeal, noFailures, OBSERVE_MS, recoveredInTime, result, sessions } from "../src/index.js";
import { failFastBound, sentinelConvertsReturnedMaster, sentinelFailoverBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { observeRedis, onCurrentMaster, redisMasterWorkload, sentinelOutcome } from "./redis-master.js";

/**
 * A gray failure: the Redis master is frozen (SIGSTOP): connections stay open and nothing answers. Sentinel's
 * PING goes unanswered, so it is subjectively down after down-after and the replica is promoted exactly as for a
 * dead master; meanwhile every request that needs Redis must fail within the app's timeout, never hang. Thawed,
 * the old master still believes it is the master until Sentinel turns it into a replica. Origin: Redis Sentinel's
 * documented failure detection (no reply to PING within down-after), seed 003.
 */
export default defineScenario({
  name: "redis-master-frozen",
  fault: "freeze the Redis master (SIGSTOP); thaw it after the failover",
  expected: "requests needing Redis fail within the app's timeout (no hang); Sentinel promotes within its bound; sessions kept; the thawed master rejoins as replica",
  topology: { slices: ["postgres", "redis", "web"], app: { cacheTtlS: 2 } },
  mechanisms: ["sentinel", "caddy-failover", "app-settings"],
  mutants: [MUTANTS.redisWithoutSentinel, MUTANTS.sentinelDownAfter30s, MUTANTS.healthTimeoutAsDepTimeout],
  // As redis-master-down: held past the failover bound, then watched; recovery waits for Sentinel's INFO poll.
  phases: (spec) => ({ faultMs: sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: sentinelConvertsReturnedMaster(spec).ms }),
  timeline: faultThenHeal("pause (SIGSTOP)", "redis-1", "unpause (SIGCONT)"),
  workload: (ctx) => redisMasterWorkload(ctx, "f"),
  inject: (ctx, observed) => onCurrentMaster(ctx, observed, (master) => ctx.topology.pause(master)),
  observe: observeRedis,
  checks(e) {
    const old = String(e.observed.oldMaster);
    const from = faultInForceAt(e);
    const failed = e.ops.filter((o) => o.f === "session-read" && o.type !== "ok" && o.start >= from && o.start < e.at.heal);
    const slowest = failed.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    const limit = failFastBound(e.spec);
    return [
      control("the freeze was felt: session reads failed", failed.length > 0, `${String(failed.length)} session reads did not succeed while ${old} was frozen`),
      result("requests needing Redis fail within the app's timeout (no hang)", slowest <= limit.ms, `the slowest failed session read answered in ${String(Math.round(slowest))} ms (limit ${limit.derivation})`, { slowestFailedReadMs: Math.round(slowest) }),
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, bound: sentinelFailoverBound(e.spec), resolutionMs: e.intervalMs }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      noFailures(e.ops, "product-read", undefined, "(cache optional)"),
      ...sentinelOutcome(e, "thawed"),
      recoveredInTime(e),
    ];
  },
});
