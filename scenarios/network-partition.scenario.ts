import { result } from "../src/assertions/check.js";
import { recovery } from "../src/assertions/recovery.js";
import { findStaleReads, staleReads } from "../src/assertions/stale-reads.js";
import { withPg } from "../src/cluster/postgres-pair.js";
import { defineScenario } from "../src/scenario/define.js";
import { seedProducts, targets } from "../src/scenario/workloads.js";
import type { Probe } from "../src/workload/scheduler.js";
import { productRead, productWrite } from "../src/workload/probes.js";
import type { StartedTestContainer } from "testcontainers";

/** Asks one Postgres node whether it is a primary (not in recovery): a history of roles, checked afterwards. */
function pgRole(node: StartedTestContainer, role: string): Probe {
  return {
    name: `pg-role@${role}`,
    f: "pg-role",
    run: async () => {
      const inRecovery = await withPg(node, async (c) => (await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r);
      return { type: "ok", value: { site: role, note: inRecovery ? "replica" : "primary" } };
    },
  };
}

/**
 * A real network cut between pg-replica and pg-primary (iptables in both, and the replication link). The replica
 * keeps serving reads, falling further behind; after the heal it reconnects and catches up. Nobody promotes it, so
 * there is never a second primary. Origin: Jepsen's partition nemesis against a primary/standby pair.
 */
export default defineScenario({
  name: "network-partition",
  fault: "partition pg-replica from pg-primary; healed",
  expected: "lag grows, then catch-up; never two primaries",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "strict", cacheTtlS: 1 } },
  phases: { steadyMs: 2000, faultMs: 4000, afterMs: 1500, recoveryBoundMs: 10_000 },
  timeline: [
    { atMs: 0, action: "partition", target: "pg-replica, pg-primary" },
    { atMs: 4000, action: "heal: rules removed", target: "pg-replica, pg-primary" },
  ],
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    return {
      probes: [
        productWrite(ctx.http, t.gra, keys),
        productRead(ctx.http, t.gra, keys),
        pgRole(ctx.topology.postgres.primary, "pg-primary"),
        pgRole(ctx.topology.postgres.replica, "pg-replica"),
      ],
    };
  },
  async inject(ctx) {
    const cut = await ctx.topology.partition("pg-replica", "pg-primary");
    await ctx.hold(this.phases.faultMs);
    return [cut];
  },
  checks(e) {
    const roles = e.ops.filter((o) => o.f === "pg-role" && o.type === "ok");
    const primaries = new Set(roles.filter((o) => o.value?.note === "primary").map((o) => o.value?.site));
    const during = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "replica");
    const maxDuring = during.reduce((m, s) => Math.max(m, s.stalenessMs), 0);
    const after = e.at.steadyAt === null ? undefined : { from: e.at.steadyAt + 200, to: e.at.end + 1 };
    return [
      result("lag grows during the partition", during.length > 0, `${String(during.length)} stale replica reads, up to ${String(Math.round(maxDuring))} ms behind`, { count: during.length, maxStalenessMs: Math.round(maxDuring) }),
      staleReads(e.ops, { boundMs: e.phases.faultMs + 2000, sources: ["replica"], ...(after ? { noneIn: after } : {}), toleranceMs: 100 }),
      result("never two primaries", roles.length > 0 && primaries.size === 1 && primaries.has("pg-primary"), `${String(roles.length)} role samples; primaries seen: ${[...primaries].join(", ") || "none"}`),
      recovery({ healedAt: e.at.heal, steadyAt: e.at.steadyAt, problems: e.recoveryProblems }, e.phases.recoveryBoundMs),
    ];
  },
});
