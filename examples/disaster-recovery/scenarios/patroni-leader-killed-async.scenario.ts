import { bound, control, defineScenario, failover, faultInForceAt, kill, lostWrites, type Mutant, PATRONI_PORTS, patroniGet, readback, recoveredInTime, result, type RunContext } from "brownout";
import { cluster, DB_PROFILE, LEADER_KILLED_TIMELINE, observeLeader, failoverBound, HAPROXY_TCP_CHECK, itemsWorkload, leaderLostPhases, leaderOf, MEMBERS, onLeader, PATRONI_TTL_60, patroniOf, rowsOnLeader } from "./stack.js";

/**
 * Patroni's documented trade when synchronous_mode is off: a commit waits for the leader's disk only, so a
 * replica promoted after the leader's death may miss what it acknowledged last. Patroni bounds that loss by
 * maximum_lag_on_failover (bytes of WAL: a replica further behind is not promoted). Measured here, not assumed:
 * each write returns its WAL position; the new leader's timeline history says where its timeline began; the
 * writes past that point, and the bytes, are the loss. Streaming ships WAL as the leader flushes it, so what may go
 * is what was acknowledged within the streaming lag before the kill: a loss from earlier is a regression.
 */
const ASYNC = MEMBERS.map((name) => ({ name, kind: "patroni", settings: { synchronousMode: false } }));

/** Where the new leader's timeline began (Patroni's GET /history: the last switch's LSN), asked of the new leader. */
async function switchLsn(ctx: RunContext, leader: string): Promise<number | null> {
  const c = ctx.topology.node(leader);
  const { body } = await patroniGet(c.getHost(), c.getMappedPort(PATRONI_PORTS.rest), "/history");
  const last = Array.isArray(body) ? (body.at(-1) as unknown) : undefined;
  return Array.isArray(last) && typeof last[1] === "number" ? last[1] : null;
}

const SYNC_COMMIT_OFF: Mutant = {
  name: "pg-synchronous-commit-off",
  regression: "synchronous_commit off, WAL flushed in batches every 10 s (wal_writer_delay), for write throughput: a commit is acknowledged before it is on the leader's disk, and streaming ships only flushed WAL",
  deploy: { nodes: MEMBERS.map((name) => ({ name, kind: "patroni", settings: { parameters: { synchronous_commit: "off", wal_writer_delay: "10s" } } })) },
};

export default defineScenario({
  name: "patroni-leader-killed-async",
  fault: "kill the Patroni leader (SIGKILL) with synchronous_mode off; start it again",
  expected: "a replica becomes leader within ttl + loop_wait + HAProxy's checks; the writes lost are only those acknowledged within the streaming lag before the kill, and the WAL lost is within maximum_lag_on_failover; the old leader rejoins as a replica (pg_rewind)",
  topology: { composeProfiles: [DB_PROFILE], nodes: ASYNC },
  mechanisms: [],
  mutants: [
    HAPROXY_TCP_CHECK,
    SYNC_COMMIT_OFF,
    PATRONI_TTL_60,
  ],
  phases: leaderLostPhases,
  timeline: LEADER_KILLED_TIMELINE,
  async workload(ctx) {
    await observeLeader(ctx);
    const spec = ctx.topology.spec;
    const [row] = await rowsOnLeader(ctx, spec, "SELECT current_setting('synchronous_commit') AS commit, current_setting('synchronous_standby_names') AS names");
    ctx.observed.synchronousCommit = String(row?.commit);
    ctx.observed.standbyNames = String(row?.names);
    return itemsWorkload(ctx, spec, [], { lsn: true });
  },
  inject: (ctx) => onLeader(ctx, (leader) => kill(leader)),
  async observe(ctx, observed) {
    const after = await cluster(ctx);
    observed.leaderAfter = leaderOf(after) ?? null;
    observed.killedRole = after.members.find((m) => m.name === String(observed.leader))?.role ?? null;
    if (typeof observed.leaderAfter === "string") observed.switchLsn = await switchLsn(ctx, observed.leaderAfter);
  },
  checks(e) {
    const p = patroniOf(e.spec);
    const at = faultInForceAt(e);
    const lateMs = e.spec.margins.schedulerLatenessMs;
    // The old leader's writes: acknowledged before the kill (or an acknowledgement already on its way then).
    const oldLeaders = e.ops.filter((o) => o.f === "item-write" && o.type === "ok" && typeof o.value?.lsn === "number" && o.end <= at + lateMs);
    const lastAcked = oldLeaders.length ? Math.max(...oldLeaders.map((o) => o.value?.lsn ?? 0)) : null;
    const sw = typeof e.observed.switchLsn === "number" ? e.observed.switchLsn : null;
    // The WAL the old leader acknowledged past the point where the new leader's timeline began: what it never had.
    const lostBytes = lastAcked !== null && sw !== null ? Math.max(0, lastAcked - sw) : null;
    return [
      readback(
        "asynchronous replication as designed: no synchronous standby, a commit flushed on the leader before it is acknowledged",
        !p.synchronousMode && e.observed.syncStandby === null && e.observed.standbyNames === "" && e.observed.synchronousCommit === "on",
        `synchronous_mode ${String(p.synchronousMode)}; sync standby: ${String(e.observed.syncStandby)}; the writer's session sees synchronous_commit = ${String(e.observed.synchronousCommit)}, synchronous_standby_names = '${String(e.observed.standbyNames)}'`,
      ),
      control("the kill was felt: writes through haproxy-01 failed", e.ops.some((o) => o.f === "item-write" && o.type !== "ok" && o.start >= e.at.fault), "writes after the kill"),
      failover(e.ops, { f: "item-write", faultAt: e.at.fault, bound: failoverBound(e.spec), resolutionMs: e.intervalMs }),
      lostWrites(e.ops, {
        f: "item-write",
        present: e.finalRead["item-write"] ?? null,
        // Streaming ships WAL as the leader flushes it: only writes acknowledged within its lag before the kill may go.
        allowLost: { at, lagWindow: bound(["PostgreSQL's asynchronous streaming lag", e.spec.margins.asyncLagMs]), lateMs },
      }),
      result(
        "the WAL lost at the failover is within maximum_lag_on_failover",
        lostBytes === null ? "unknown" : lostBytes <= p.maximumLagOnFailover,
        lostBytes === null
          ? `no ${sw === null ? "timeline switch read from the new leader's /history" : "acknowledged write with its WAL position"}`
          : `the new leader's timeline began at byte ${String(sw)}; the old leader's last acknowledged write was at ${String(lastAcked)}: ${String(lostBytes)} bytes of acknowledged WAL past that point, against maximum_lag_on_failover ${String(p.maximumLagOnFailover)}`,
        { lostWalBytes: lostBytes, switchLsn: sw, lastAckedLsn: lastAcked, maximumLagOnFailover: p.maximumLagOnFailover },
      ),
      result("a replica took over; the old leader rejoined as a replica", typeof e.observed.leaderAfter === "string" && e.observed.leaderAfter !== e.observed.leader && e.observed.killedRole === "replica", `leader before: ${String(e.observed.leader)}, after: ${String(e.observed.leaderAfter)}; the old leader is now ${String(e.observed.killedRole)}`),
      recoveredInTime(e),
    ];
  },
});
