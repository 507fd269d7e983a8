import { bound, haproxyOf, control, defineScenario, haproxyRestart, injectFault, kill, lostWrites, measurement, OBSERVE_MS, productsOnPrimary, promote, recoveredInTime, recoveryBound, result, targets } from "brownout";
import { failFast } from "./bounds.js";
import { inserts, reads, seed } from "./workload.js";

/** How long the on-call operator takes to start the runbook once writes fail (seed 004: a manual procedure). */
const OPERATOR_MS = 1000;

/** The runbook's HAProxy edit: pg-write now names the promoted replica (seed 004: "mise à jour de la configuration"). */
const REPOINT = { file: "haproxy" as const, find: "server pg-primary pg-primary:5432 check", replace: "server pg-replica pg-replica:5432 check" };

/**
 * Seed 004, "Panne Primary" and its manual failover: writes fail at once; the operator promotes the replica
 * (pg_promote, as `pg_ctl promote`), points pg-write at it in haproxy.cfg and restarts HAProxy (a reload in
 * place: `systemctl reload haproxy`); writes resume.
 * Replication is asynchronous: writes acknowledged within the replication lag before the kill may be lost,
 * counted; any other loss is red.
 */
export default defineScenario({
  name: "products-primary-down",
  fault: "kill pg-primary; the operator promotes pg-replica, edits haproxy.cfg to point pg-write at it, reloads HAProxy",
  expected: "writes fail fast while the primary is gone and resume after the runbook; no acknowledged write lost beyond the async lag window",
  topology: {},
  mechanisms: ["pg-streaming", "haproxy-checks", "caddy-failover"],
  mutants: [
    { name: "commit-batched", regression: "the API acknowledges a write at once and commits the batch once a second, for throughput: a crash loses a second of acknowledged writes", deploy: { app: { testBugs: ["commit-batched"] } } },
    { name: "no-dep-timeout", regression: "the API's database calls lose their timeout, so writes hang on the dead primary instead of failing", deploy: { app: { testBugs: ["no-dep-timeout"] } } },
  ],
  phases: (spec) => ({ faultMs: OPERATOR_MS + spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 1500, recovery: recoveryBound(spec) }),
  timeline: [
    { atMs: 0, action: "kill", target: "pg-primary" },
    { atMs: OPERATOR_MS, action: "pg_promote()", target: "pg-replica" },
    { atMs: OPERATOR_MS, action: "edit haproxy.cfg (pg-write → pg-replica), reload HAProxy", target: "haproxy" },
    { atMs: "end", action: "heal: none (the old primary stays down: restarting it would make two primaries)", target: "pg-primary" },
  ],
  // The new steady state on purpose: one primary (pg-replica), no replica, HAProxy's pg-write on pg-replica.
  tolerated: [/^postgres: /, /pg-write\/pg-replica/, /pg-read\/pg-replica/],
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seed(ctx, t.gra, 2);
    const prefix = `${ctx.tag}-ins`;
    return {
      probes: [inserts(ctx.http, t.caddy, prefix), reads(ctx.http, t.caddy, keys)],
      finalRead: async () => ({ "product-insert": await productsOnPrimary(ctx.topology, prefix) }),
    };
  },
  async inject(ctx) {
    const killed = await injectFault(ctx.topology, kill("pg-primary"));
    await ctx.hold(OPERATOR_MS);
    // The runbook, step by step (seed 004): promote the replica, repoint pg-write in haproxy.cfg, restart HAProxy.
    const runbook = [];
    for (const step of [promote("pg-replica"), haproxyRestart([REPOINT])]) runbook.push(await injectFault(ctx.topology, step));
    await ctx.hold(Math.max(0, ctx.phases.faultMs - OPERATOR_MS));
    return [killed, ...runbook];
  },
  heal(ctx) {
    ctx.topology.settle("pg-primary");
    return Promise.resolve();
  },
  /** Which servers of pg-write HAProxy holds UP once the stack is steady again (read from its runtime API). */
  async observe(ctx, observed) {
    observed.writeUp = (await haproxyOf(ctx.topology).serverStates()).filter((s) => s.backend === "pg-write" && s.status.startsWith("UP")).map((s) => s.server);
  },
  checks(e) {
    const restarted = e.journal.find((j) => j.f === "operation" && j.target === "haproxy" && j.outcome === "ok");
    const restartedAt = restarted ? restarted.t + restarted.durationMs : Number.POSITIVE_INFINITY;
    const ins = e.ops.filter((o) => o.f === "product-insert");
    const failedBefore = ins.filter((o) => o.type !== "ok" && o.start >= e.at.fault && o.start < restartedAt);
    const slowest = failedBefore.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    const limit = failFast(e.spec);
    // Writes resume once HAProxy runs the edited config and its check has passed `rise` times.
    const h = e.spec.timings.haproxy;
    const resume = bound(["HAProxy reloaded (journal)", Math.round(restartedAt - e.at.fault)], ["inter", h.interMs, "rise", h.rise], ["check timeout", h.checkTimeoutMs], ...measurement(e.spec));
    const firstOk = ins.find((o) => o.type === "ok" && o.start > e.at.fault);
    const resumedAfter = firstOk ? firstOk.end - e.at.fault : Number.POSITIVE_INFINITY;
    const writeUp = (e.observed.writeUp ?? []) as string[];
    return [
      control("the kill was felt: writes failed before the runbook ran", failedBefore.length > 0, `${String(failedBefore.length)} inserts failed between the kill and HAProxy's reload`),
      control("the runbook ran: replica promoted, HAProxy reloaded on the edited config", restarted !== undefined && e.journal.some((j) => j.f === "promote" && j.outcome === "ok"), e.journal.map((j) => `${j.f} ${j.target} ${j.outcome}`).join("; ")),
      result("writes fail fast", slowest <= limit.ms, `${String(failedBefore.length)} failed inserts, the slowest answered in ${String(Math.round(slowest))} ms (limit ${limit.derivation})`, { slowestFailedWriteMs: Math.round(slowest), limitMs: limit.ms }),
      result("writes resume after the runbook", resumedAfter <= resume.ms, `first acknowledged insert ${String(Math.round(resumedAfter))} ms after the kill (bound ${resume.derivation})`, { resumedAfterMs: Math.round(resumedAfter), boundMs: resume.ms }),
      result("one primary behind pg-write", writeUp.length === 1 && writeUp[0] === "pg-replica", `pg-write servers UP: ${writeUp.join(", ") || "none"}`),
      lostWrites(e.ops, {
        f: "product-insert",
        present: e.finalRead["product-insert"] ?? null,
        allowLost: { at: e.at.fault, lagWindow: bound(["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec)), lateMs: e.spec.margins.schedulerLatenessMs },
      }),
      recoveredInTime(e),
    ];
  },
});
