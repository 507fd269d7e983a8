import { failover } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { lostWrites } from "../src/assertions/lost-writes.js";
import { type Scenario, defineScenario } from "../src/scenario/define.js";
import { productsOnPrimary, seedProducts, targets } from "../src/scenario/workloads.js";
import { productInsert, productRead } from "../src/workload/probes.js";

/** How long the operator takes to act after the primary dies (detection by a human or a script). */
const OPERATOR_MS = 1000;

/**
 * SIGKILL pg-primary; the scenario acts as the operator: fence the dead primary out of pg-write (runtime API),
 * promote the replica (pg_promote); HAProxy's /primary check then sends writes to it. The old primary stays down
 * (restarting it would make a second primary). With asynchronous replication, writes acknowledged just before
 * the kill may be lost, counted; with synchronous replication none may be. Origin: PostgreSQL's documented
 * failover (no automatic promotion without an external manager).
 */
export function pgPrimaryDown(name: string, synchronous: boolean): Scenario {
  return defineScenario({
    name,
    fault: `kill pg-primary; operator fences it in HAProxy and promotes pg-replica${synchronous ? " (synchronous replication)" : ""}`,
    expected: synchronous
      ? "writes fail fast and resume; failoverMs; zero acknowledged writes lost"
      : "writes fail fast (no hang past the timeout), resume; failoverMs; acknowledged writes lost counted (async)",
    topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "fallback", cacheTtlS: 2 }, postgres: { synchronous } },
    phases: { steadyMs: 2000, faultMs: 4000, afterMs: 1500, recoveryBoundMs: 10_000 },
    probeTimeoutMs: 2500,
    timeline: [
      { atMs: 0, action: "kill", target: "pg-primary" },
      { atMs: OPERATOR_MS, action: "runtime API: set server pg-write/pg-primary state maint", target: "haproxy" },
      { atMs: OPERATOR_MS, action: "pg_promote()", target: "pg-replica" },
      { atMs: 4000, action: "heal: none (old primary stays fenced)", target: "pg-primary" },
    ],
    // The new steady state on purpose: one primary (pg-replica), no replica, the old primary fenced.
    tolerated: [/^postgres: /, /pg-write\/pg-primary/, /pg-write\/pg-replica/, /pg-read\/pg-replica/, /cannot reach pg-read/],
    async workload(ctx) {
      const t = targets(ctx.topology);
      const keys = await seedProducts(ctx, t.gra, 4);
      const prefix = `${ctx.tag}-ins`;
      return {
        probes: [productInsert(ctx.http, t.caddy, prefix), productRead(ctx.http, t.caddy, keys)],
        finalRead: async () => ({ "product-insert": await productsOnPrimary(ctx.topology, prefix) }),
      };
    },
    async inject(ctx) {
      const kill = await ctx.topology.kill("pg-primary");
      await ctx.hold(OPERATOR_MS);
      const fence = await ctx.topology.setServer("pg-write", "pg-primary", { state: "maint" });
      const promote = await ctx.topology.promote("pg-replica");
      await ctx.hold(Math.max(0, this.phases.faultMs - OPERATOR_MS));
      return [kill, fence, promote];
    },
    heal(ctx) {
      // Nothing comes back: the old primary is settled, not restarted.
      ctx.topology.settle("pg-primary");
      return Promise.resolve();
    },
    checks(e) {
      const t = e.spec.timings;
      const bound = OPERATOR_MS + t.haproxy.interMs * t.haproxy.rise + t.app.depTimeoutMs + 1500;
      const writesDuringFault = e.ops.filter((o) => o.f === "product-insert" && o.type !== "ok" && o.start >= e.at.fault && o.start < e.at.heal);
      const slowest = writesDuringFault.reduce((m, o) => Math.max(m, o.end - o.start), 0);
      const limit = t.app.depTimeoutMs + 500;
      const states = e.facts.haproxy ?? [];
      const writeUp = states.filter((s) => s.backend === "pg-write" && s.status.startsWith("UP")).map((s) => s.server);
      return [
        failover(e.ops, { f: "product-insert", faultAt: e.at.fault, boundMs: bound, resolutionMs: e.intervalMs }),
        result("writes fail fast", writesDuringFault.length === 0 || slowest <= limit, `${String(writesDuringFault.length)} writes failed during the fault, the slowest answered in ${String(Math.round(slowest))} ms (limit ${String(limit)} ms)`, { slowestFailedWriteMs: Math.round(slowest) }),
        result("one primary behind pg-write", writeUp.length === 1 && writeUp[0] === "pg-replica", `pg-write servers UP: ${writeUp.join(", ") || "none"}`),
        lostWrites(e.ops, { f: "product-insert", present: e.finalRead["product-insert"] ?? null, allowLost: !synchronous }),
      ];
    },
  });
}
