import { bound, haproxyOf, defineScenario, failover, haproxySeesUpTerms, lostWrites, measurement, OBSERVE_MS, productInsert, productRead, productsOnPrimary, recoveredInTime, recoveryBound, result, type Scenario, seedProducts, setServer, targets } from "../src/index.js";
import { failFastBound, promotedAfterMs } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { syncCommitsWait } from "./pg-sync.js";

/** How long the operator takes to act after the primary dies (detection by a human or a script). */
const OPERATOR_MS = 1000;

/**
 * SIGKILL pg-primary; the scenario acts as the operator: fence the dead primary out of pg-write (runtime API),
 * promote the replica (pg_promote); HAProxy's /primary check then sends writes to it. The old primary stays down
 * (restarting it would make a second primary). With asynchronous replication, writes acknowledged just before
 * the kill may be lost, counted; with synchronous replication none may be. Origin: PostgreSQL's documented
 * failover (no automatic promotion without an external manager), the manual runbook of seed 004.
 */
export function pgPrimaryDown(name: string, synchronous: boolean): Scenario {
  return defineScenario({
    name,
    fault: `kill pg-primary; operator fences it in HAProxy and promotes pg-replica${synchronous ? " (synchronous replication)" : ""}`,
    expected: synchronous
      ? "writes fail fast and resume; failoverMs; zero acknowledged writes lost"
      : "writes fail fast (no hang past the timeout), resume; failoverMs; acknowledged writes lost counted (async)",
    topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "fallback", cacheTtlS: 2 }, postgres: { synchronous } },
    mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
    // The guarantee shown at work, not only its label: commits wait while the standby is cut off.
    ...(synchronous ? { demonstrations: [syncCommitsWait] } : {}),
    mutants: synchronous ? [MUTANTS.asyncReplication, MUTANTS.noDepTimeout, MUTANTS.syncCommitLocal] : [MUTANTS.noDepTimeout, MUTANTS.pgWriteTcpCheck],
    // Held past what the failover needs with the operator's own delay (the promotion's duration is only known
    // from the journal, in the check), then the new primary is watched taking writes.
    phases: (spec) => {
      const t = spec.timings;
      return {
        faultMs: OPERATOR_MS + t.haproxy.downInterMs * t.haproxy.rise + t.haproxy.checkTimeoutMs + t.app.depTimeoutMs + OBSERVE_MS,
        afterMs: 1500,
        // Nothing restarts at the heal (the old primary stays fenced): steady again once HAProxy's view of the new
        // primary has settled, a returning server's worth of checks.
        recovery: recoveryBound(spec, ...haproxySeesUpTerms(spec)),
      };
    },
    timeline: [
      { atMs: 0, action: "kill", target: "pg-primary" },
      { atMs: OPERATOR_MS, action: "runtime API: set server pg-write/pg-primary state maint", target: "haproxy" },
      { atMs: OPERATOR_MS, action: "pg_promote()", target: "pg-replica" },
      { atMs: "end", action: "heal: none (old primary stays fenced)", target: "pg-primary" },
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
      const fence = await ctx.topology.inject(setServer("pg-write", "pg-primary", { state: "maint" }));
      const promote = await ctx.topology.promote("pg-replica");
      await ctx.hold(Math.max(0, ctx.phases.faultMs - OPERATOR_MS));
      return [kill, fence, promote];
    },
    heal(ctx) {
      // Nothing comes back: the old primary is settled, not restarted.
      ctx.topology.settle("pg-primary");
      return Promise.resolve();
    },
    /** Which servers of pg-write HAProxy holds UP once the stack is steady again (read from its runtime API). */
    async observe(ctx, observed) {
      observed.writeUp = (await haproxyOf(ctx.topology).serverStates()).filter((s) => s.backend === "pg-write" && s.status.startsWith("UP")).map((s) => s.server);
    },
    checks(e) {
      const t = e.spec.timings;
      // Writes resume once the operator has promoted (measured from the journal: the operator's delay plus the
      // fence and pg_promote), HAProxy has seen the new primary pass /primary `rise` times (the first downinter
      // after the promotion, the next ones fastinter apart, each within the check timeout), and a write in flight
      // to the dead primary has met the app's timeout.
      const b = bound(["operator promoted at (journal)", Math.round(promotedAfterMs(e))], ...haproxySeesUpTerms(e.spec), ["app dep timeout", t.app.depTimeoutMs]);
      const writesDuringFault = e.ops.filter((o) => o.f === "product-insert" && o.type !== "ok" && o.start >= e.at.fault && o.start < e.at.heal);
      const slowest = writesDuringFault.reduce((m, o) => Math.max(m, o.end - o.start), 0);
      const limit = failFastBound(e.spec);
      const writeUp = (e.observed.writeUp ?? []) as string[];
      return [
        failover(e.ops, { f: "product-insert", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs }),
        result("writes fail fast", writesDuringFault.length === 0 || slowest <= limit.ms, `${String(writesDuringFault.length)} writes failed during the fault, the slowest answered in ${String(Math.round(slowest))} ms (limit ${limit.derivation})`, { slowestFailedWriteMs: Math.round(slowest), limitMs: limit.ms }),
        result("one primary behind pg-write", writeUp.length === 1 && writeUp[0] === "pg-replica", `pg-write servers UP: ${writeUp.join(", ") || "none"}`),
        // Asynchronous replication may lose what was acknowledged but not yet streamed when the primary died: the
        // ordinary lag, seen by a probe one interval late. Anything lost from earlier is a real loss.
        lostWrites(e.ops, {
          f: "product-insert",
          present: e.finalRead["product-insert"] ?? null,
          ...(synchronous
            ? {}
            : { allowLost: { at: e.at.fault, lagWindow: bound(["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec)), lateMs: e.spec.margins.schedulerLatenessMs } }),
        }),
        recoveredInTime(e),
      ];
    },
  });
}
