import { bound, control, defineScenario, failover, faultThenHeal, haproxySeesUp, holdFault, itemsOnEachNode, itemWrite, login, lostWrites, MYSQL_CONNECT_RETRY_MS, OBSERVE_MS, recoveredInTime, recoveryBound, result, sessionRead, sessions, slowest, targets, union } from "../src/index.js";
import { haproxyFailoverBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/**
 * SIGKILL mysql-1, the active node behind HAProxy's `mysql` frontend; mysql-2 (backup) takes the connections once
 * mysql-1 fails its checks. Master-master replication with GTID resumes both ways when mysql-1 returns, and both
 * nodes end with the same rows. Origin: the MySQL master-master pair behind HAProxy TCP (seed 000).
 */
export default defineScenario({
  name: "mysql-active-down",
  fault: "kill mysql-1 (SIGKILL); restart it",
  expected: "HAProxy uses mysql-2; mysql-mode sessions and items kept; replication resumes both ways, no divergence",
  topology: { slices: ["mysql", "web"] },
  mechanisms: ["haproxy-checks", "mysql-replication", "app-settings"],
  mutants: [MUTANTS.mysqlActiveNoCheck, MUTANTS.itemsNoCommit],
  // Held past the failover bound, then mysql-2 is watched serving.
  phases: (spec) => ({ faultMs: haproxyFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1000, recovery: recoveryBound(spec, slowest({ "HAProxy sees mysql-1 up": haproxySeesUp(spec), "mysql-2's IO thread reconnects": bound(["MASTER_CONNECT_RETRY", MYSQL_CONNECT_RETRY_MS]) })) }),
  timeline: faultThenHeal("kill", "mysql-1", "start again"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const cookies = [await login(ctx, t.caddy, "mysql", "m1"), await login(ctx, t.caddy, "mysql", "m2")];
    const prefix = `${ctx.tag}-i`;
    return {
      probes: [...cookies.map((c, i) => ({ ...sessionRead(ctx.http, t.caddy, "mysql", () => c), name: `session-mysql-${String(i)}@caddy` })), itemWrite(ctx.http, t.caddy, prefix)],
      finalRead: async () => {
        const nodes = await itemsOnEachNode(ctx.topology, prefix);
        return { "item-write": union(nodes["mysql-1"], nodes["mysql-2"]) };
      },
    };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.kill("mysql-1")),
  async observe(ctx, observed) {
    const nodes = await itemsOnEachNode(ctx.topology, `${ctx.tag}-i`);
    observed.items = { one: nodes["mysql-1"]?.size ?? null, two: nodes["mysql-2"]?.size ?? null };
    const a = nodes["mysql-1"];
    const b = nodes["mysql-2"];
    observed.diverged = a && b ? [...a].filter((k) => !b.has(k)).length + [...b].filter((k) => !a.has(k)).length : null;
    // Written while mysql-1 was dead, so only mysql-2 can have taken them: proof the backup served.
    const [from, to] = [ctx.history.markAt("fault") ?? Infinity, ctx.history.markAt("heal") ?? -Infinity];
    const faultWindow = ctx.history.ops.filter((o) => o.f === "item-write" && o.type === "ok" && o.t > from && o.t < to);
    observed.writtenDuringFault = faultWindow.length;
  },
  checks(e) {
    const b = haproxyFailoverBound(e.spec);
    const items = e.observed.items as { one: number | null; two: number | null };
    return [
      control("writes were served by mysql-2 while mysql-1 was dead", Number(e.observed.writtenDuringFault) > 0, `${String(e.observed.writtenDuringFault)} item writes acknowledged between the kill and the restart`),
      failover(e.ops, { f: "item-write", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs }),
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      result("no divergence between mysql-1 and mysql-2", e.observed.diverged === 0, `items on mysql-1: ${String(items.one)}, on mysql-2: ${String(items.two)}, on one only: ${String(e.observed.diverged)}`),
      recoveredInTime(e),
    ];
  },
});
