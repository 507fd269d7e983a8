import { control, defineScenario, failover, kill, lostWrites, recoveredInTime, result } from "brownout";
import { cluster, DB_PROFILE, LEADER_KILLED_TIMELINE, observeLeader, failoverBound, HAPROXY_TCP_CHECK, itemsWorkload, leaderLostPhases, leaderOf, MEMBERS, onLeader, PATRONI_TTL_60, patroniOf } from "./stack.js";

/**
 * Seed 002's Patroni cluster loses its leader (SIGKILL: PostgreSQL and Patroni gone at once, its leader key left to
 * expire). A replica takes the key and promotes itself; haproxy-01's checks of /primary move 5432 to it. With
 * synchronous_mode, a commit waits for the synchronous standby, which is the one Patroni promotes: no acknowledged
 * write is lost. The old leader, started again, rejoins as a replica.
 */
export default defineScenario({
  name: "patroni-leader-killed",
  fault: "kill the Patroni leader (SIGKILL); start it again",
  expected: "a replica becomes leader and writes through haproxy-01 resume within ttl + loop_wait + HAProxy's checks; no acknowledged write lost; the old leader rejoins as a replica",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    HAPROXY_TCP_CHECK,
    PATRONI_TTL_60,
    { name: "patroni-synchronous-off", regression: "synchronous_mode switched off for write latency: a commit no longer waits for a standby", deploy: { nodes: MEMBERS.map((name) => ({ name, kind: "patroni", settings: { synchronousMode: false } })) } },
  ],
  phases: leaderLostPhases,
  timeline: LEADER_KILLED_TIMELINE,
  async workload(ctx) {
    await observeLeader(ctx);
    return itemsWorkload(ctx, ctx.topology.spec);
  },
  inject: (ctx) => onLeader(ctx, (leader) => kill(leader)),
  async observe(ctx, observed) {
    const after = await cluster(ctx);
    observed.leaderAfter = leaderOf(after) ?? null;
    observed.killedRole = after.members.find((m) => m.name === String(observed.leader))?.role ?? null;
  },
  checks(e) {
    const p = patroniOf(e.spec);
    const sync = e.observed.syncStandby;
    return [
      control("synchronous_mode in force: a synchronous standby before the fault", p.synchronousMode && typeof sync === "string", `synchronous_mode ${String(p.synchronousMode)}; sync standby: ${String(sync)}`),
      control("the kill was felt: writes through haproxy-01 failed", e.ops.some((o) => o.f === "item-write" && o.type !== "ok" && o.start >= e.at.fault), "writes after the kill"),
      failover(e.ops, { f: "item-write", faultAt: e.at.fault, bound: failoverBound(e.spec), resolutionMs: e.intervalMs }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      result("a replica took over; the old leader rejoined as a replica", typeof e.observed.leaderAfter === "string" && e.observed.leaderAfter !== e.observed.leader && e.observed.killedRole === "replica", `leader before: ${String(e.observed.leader)}, after: ${String(e.observed.leaderAfter)}; the old leader is now ${String(e.observed.killedRole)}`),
      recoveredInTime(e),
    ];
  },
});

