import { bound, control, defineScenario, failover, faultInForceAt, healAskedAt, kill, lostWrites, measurement, OBSERVE_MS, recoveredInTime, recoveryBound, result, type ActiveFault, injectFault, type TopologySpec } from "brownout";
import { checksOf, cluster, DB_PROFILE, HAPROXY_TCP_CHECK, itemsWorkload, leaderOf, PATRONI_FAILSAFE, patroniOf, rolesProbe, writableIn } from "./stack.js";

/**
 * Without failsafe_mode, a leader that cannot renew its key demotes itself. Its next loop (up to loop_wait away)
 * tries to update the key, which fails within retry_timeout; the loop after it, rescheduled at once, fails to read
 * the cluster within retry_timeout and demotes: Patroni's own rule (loop_wait + 2 × retry_timeout ≤ ttl) is this
 * path. Then a restart read-only. A CI run took 9.3 s of the 14 s (the key update failed after 2.7 s), past the
 * bound of one retry_timeout it had before.
 */
function demotionBound(spec: TopologySpec) {
  const p = patroniOf(spec);
  return bound(["loop_wait", p.loopWaitS * 1000], ["retry_timeout (the key's update fails)", p.retryTimeoutS * 1000], ["retry_timeout (the next loop's read fails: demote)", p.retryTimeoutS * 1000], ["restart read-only", spec.margins.serverStartMs], ...measurement(spec));
}

/**
 * Seed 002's etcd loses its quorum (two of three members killed). Patroni cannot renew the leader key and, with
 * failsafe_mode off (the default, this stack's), the leader demotes itself: every member read-only, writes fail
 * (clearly: haproxy-01 has no /primary to send them to). Once etcd has its quorum again, a leader is elected and
 * writes resume. Measured: how long the leader kept writing without a DCS, and the outage.
 */
export default defineScenario({
  name: "etcd-quorum-lost",
  fault: "kill etcd-2 and etcd-3 (etcd-1 alone, no quorum); start them again",
  expected: "the leader demotes itself within loop_wait + 2 × retry_timeout: no writable member while etcd has no quorum; writes fail, none acknowledged is lost; a leader again once the quorum is back",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    HAPROXY_TCP_CHECK,
    PATRONI_FAILSAFE,
  ],
  phases: (spec) => ({
    faultMs: demotionBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    // From etcd started again: a leader elected (its key is gone: loop_wait, then the race) and seen by haproxy-01.
    recovery: recoveryBound(spec, ["etcd quorum back", spec.margins.serverStartMs], ["loop_wait", patroniOf(spec).loopWaitS * 1000], ["promotion", spec.margins.serverStartMs], ["inter", checksOf(spec).interMs, "rise", checksOf(spec).rise]),
  }),
  timeline: [
    { atMs: 0, action: "kill", target: "etcd-2" },
    { atMs: 0, action: "kill", target: "etcd-3" },
    { atMs: "end", action: "heal: start again", target: "etcd-2, etcd-3" },
  ],
  async workload(ctx) {
    ctx.observed.leader = leaderOf(await cluster(ctx));
    return itemsWorkload(ctx, ctx.topology.spec, [rolesProbe(ctx)]);
  },
  async inject(ctx) {
    const faults: ActiveFault[] = [await injectFault(ctx.topology, kill("etcd-2")), await injectFault(ctx.topology, kill("etcd-3"))];
    await ctx.hold(ctx.phases.faultMs);
    return faults;
  },
  checks(e) {
    const from = faultInForceAt(e);
    const to = healAskedAt(e);
    const roles = e.ops.filter((o) => o.f === "roles" && o.type === "ok" && o.start > from && o.start < to).sort((a, b) => a.start - b.start);
    const noneAt = roles.find((o) => writableIn(o.value?.note).length === 0);
    const writableAgain = noneAt ? roles.filter((o) => o.start > noneAt.start && writableIn(o.value?.note).length > 0) : [];
    const demotedMs = noneAt ? noneAt.start - from : null;
    const d = demotionBound(e.spec);
    const writes = e.ops.filter((o) => o.f === "item-write" && o.start > from + d.ms && o.end < to);
    return [
      control("the quorum loss was felt: the leader stopped being writable", noneAt !== undefined, `${String(roles.length)} role reads during the fault; none writable from ${demotedMs === null ? "never" : `${String(Math.round(demotedMs))} ms`}`),
      result("the leader demoted itself within loop_wait + 2 × retry_timeout", demotedMs !== null && demotedMs <= d.ms, `${demotedMs === null ? "never" : `${String(Math.round(demotedMs))} ms`}; bound ${d.derivation}`, { demotedMs: demotedMs === null ? null : Math.round(demotedMs), boundMs: d.ms }),
      result("no member writable while etcd had no quorum (after the demotion)", writableAgain.length === 0, writableAgain.length === 0 ? "every role read after the demotion: read-only" : `${String(writableAgain.length)} reads saw a writable member: ${writableAgain[0]?.value?.note ?? ""}`),
      result("writes failed, none acknowledged, until the quorum was back", writes.length > 0 && writes.every((o) => o.type !== "ok"), `${String(writes.filter((o) => o.type === "ok").length)} of ${String(writes.length)} writes acknowledged after the demotion bound`),
      failover(e.ops, { f: "item-write", faultAt: e.at.fault, bound: bound(["held", Math.round(to - e.at.fault)], ...[["recovery", e.phases.recoveryBoundMs] as const]), resolutionMs: e.intervalMs }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
