import { bound, control, defineScenario, failover, faultInForceAt, healAskedAt, lostWrites, measurement, partition, recoveredInTime, result, type TopologySpec } from "brownout";
import { cluster, DB_PROFILE, failoverBound, HAPROXY_TCP_CHECK, itemsWorkload, leaderLostPhases, leaderOf, onLeader, PATRONI_FAILSAFE, patroniOf, rolesProbe, writableIn } from "./stack.js";

const ETCD = ["etcd-1", "etcd-2", "etcd-3"];

/**
 * A leader that cannot renew its key gives up being one before the key can expire: Patroni's rule (loop_wait +
 * 2 × retry_timeout ≤ ttl) leaves its loop time to fail its DCS requests and demote itself within ttl of the cut.
 */
function demotionBound(spec: TopologySpec) {
  return bound(["leader key ttl", patroniOf(spec).ttlS * 1000], ...measurement(spec));
}

/**
 * Seed 002's Patroni leader cut from all three etcd members (iptables in its namespace; it still reaches the
 * other members and haproxy-01 still reaches it). Patroni's rule loop_wait + 2 × retry_timeout ≤ ttl makes it
 * demote itself before its key expires and a replica takes over: never two primaries. Writes through haproxy-01
 * stop reaching it and resume on the new leader; after the heal it rejoins as a replica (pg_rewind).
 */
export default defineScenario({
  name: "patroni-leader-cut-from-etcd",
  fault: "partition the Patroni leader from etcd-1, etcd-2 and etcd-3; heal",
  expected: "the old leader demotes itself within ttl, before a replica is promoted: never two writable members; writes resume on the new leader; no acknowledged write lost; the old leader rejoins as a replica",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    HAPROXY_TCP_CHECK,
    PATRONI_FAILSAFE,
  ],
  phases: leaderLostPhases,
  timeline: [
    { atMs: 0, action: "partition the Patroni leader (found before the fault) from etcd-1, etcd-2, etcd-3", target: "-" },
    { atMs: "end", action: "heal: the partition lifted", target: "-" },
  ],
  async workload(ctx) {
    ctx.observed.leader = leaderOf(await cluster(ctx));
    return itemsWorkload(ctx, ctx.topology.spec, [rolesProbe(ctx)]);
  },
  inject: (ctx) => onLeader(ctx, (leader) => partition(leader, ETCD)),
  async observe(ctx, observed) {
    const after = await cluster(ctx);
    observed.leaderAfter = leaderOf(after) ?? null;
    observed.oldRole = after.members.find((m) => m.name === String(observed.leader))?.role ?? null;
  },
  checks(e) {
    const old = String(e.observed.leader);
    const from = faultInForceAt(e);
    const to = healAskedAt(e);
    const roles = e.ops.filter((o) => o.f === "roles" && o.type === "ok").sort((a, b) => a.start - b.start);
    const both = roles.filter((o) => writableIn(o.value?.note).length > 1);
    const oldStopped = roles.find((o) => o.start > from && !writableIn(o.value?.note).includes(old));
    const demotedMs = oldStopped ? oldStopped.start - from : null;
    const newWritable = roles.find((o) => o.start > from && writableIn(o.value?.note).some((m) => m !== old));
    const d = demotionBound(e.spec);
    return [
      control("the cut was felt: the old leader stopped being writable", oldStopped !== undefined && oldStopped.start < to, `writable roles read every ${String(e.intervalMs)} ms; the old leader ${old} stopped at ${demotedMs === null ? "never" : `${String(Math.round(demotedMs))} ms`}`),
      result("the old leader demoted itself before its key could expire", demotedMs !== null && demotedMs <= d.ms, `${demotedMs === null ? "never" : `${String(Math.round(demotedMs))} ms`}; bound ${d.derivation}`, { demotedMs: demotedMs === null ? null : Math.round(demotedMs), boundMs: d.ms }),
      result("never two writable members", both.length === 0 && roles.length > 0, both.length === 0 ? `${String(roles.length)} reads of every member's role, never two writable` : `${String(both.length)} reads saw two writable members, first at ${String(Math.round(both[0]?.start ?? 0))} ms: ${both[0]?.value?.note ?? ""}`, { twoWritable: both.length }),
      result("a replica was promoted after the old leader stepped down", newWritable !== undefined && oldStopped !== undefined && newWritable.start >= oldStopped.start, `new leader writable at ${newWritable ? `${String(Math.round(newWritable.start - from))} ms` : "never"}`),
      failover(e.ops, { f: "item-write", faultAt: e.at.fault, bound: failoverBound(e.spec), resolutionMs: e.intervalMs }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      result("the old leader rejoined as a replica", e.observed.oldRole === "replica" && typeof e.observed.leaderAfter === "string" && e.observed.leaderAfter !== old, `leader now ${String(e.observed.leaderAfter)}; ${old} is ${String(e.observed.oldRole)}`),
      recoveredInTime(e),
    ];
  },
});
