import { bound, type Bound, control, defineScenario, faultInForceAt, healAskedAt, holdFault, kill, lostWrites, measurement, OBSERVE_MS, pgbouncerShow, PGBOUNCER_PORT, recoveredInTime, recoveryBound, result, type Term, type TopologySpec } from "brownout";
import { detectionBound, failuresOnceMarkedDown } from "./pgbouncer.js";
import { checksOf, DB_PROFILE, HAPROXY_PGBOUNCER_NO_CHECK, HAPROXY_PGBOUNCER_SLOW_RISE, loginAskedFor, patroniOf, pgbouncerOf, poolWorkload } from "./stack.js";

/** From the restart asked for: PgBouncer starts, haproxy-01's checks see it rise, its pool logs in to the leader. */
function backTerms(spec: TopologySpec): Term[] {
  const h = checksOf(spec);
  return [["PgBouncer starts", spec.margins.serverStartMs], ["inter", h.interMs, "rise", h.rise], ["check timeout", h.timeoutMs]];
}

function backBound(spec: TopologySpec): Bound {
  return bound(...backTerms(spec), ...measurement(spec));
}

/**
 * Seed 002's PgBouncer (beside haproxy-01, reached on 6432) killed and started again. Clients of 6432 fail while
 * it is gone, and fail at once once haproxy-01's checks marked it down (no connect attempt to a dead server);
 * clients of 5432 (straight to the leader) never notice; writes through 6432 come back within the restart and
 * haproxy-01's rise. Before the fault the pool is shown in force: logins are asked for SCRAM-SHA-256 and the pool
 * holds server connections to the leader.
 */
export default defineScenario({
  name: "pgbouncer-killed",
  fault: "kill pgbouncer (SIGKILL); start it again",
  expected: "writes through 6432 fail, at once after haproxy-01's detection; writes through 5432 unaffected; 6432 back within the restart and haproxy-01's rise; no acknowledged write lost",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    HAPROXY_PGBOUNCER_NO_CHECK,
    HAPROXY_PGBOUNCER_SLOW_RISE,
  ],
  phases: (spec) => ({
    faultMs: detectionBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    recovery: recoveryBound(spec, ...backTerms(spec)),
  }),
  timeline: [
    { atMs: 0, action: "kill", target: "pgbouncer" },
    { atMs: "end", action: "heal: start again", target: "pgbouncer" },
  ],
  async workload(ctx) {
    const spec = ctx.topology.spec;
    const app = patroniOf(spec).app;
    const h = ctx.topology.node("haproxy-01");
    const pgb = ctx.topology.node("pgbouncer");
    ctx.observed.login = await loginAskedFor(h.getHost(), h.getMappedPort(PGBOUNCER_PORT), app.user, app.database);
    // What the pool holds before the fault: server connections to the leader, read from its admin console.
    ctx.observed.servers = (await pgbouncerShow(pgb.getHost(), pgb.getMappedPort(PGBOUNCER_PORT), pgbouncerOf(spec).admin, "SERVERS")).length;
    return poolWorkload(ctx, spec);
  },
  inject: (ctx) => holdFault(ctx, kill("pgbouncer")),
  checks(e) {
    // From the kill in force (the engine answered), not the mark before it was asked for.
    const from = faultInForceAt(e);
    const healed = healAskedAt(e);
    const back = backBound(e.spec);
    const pool = e.ops.filter((o) => o.f === "pool-write");
    const failedInFault = pool.filter((o) => o.type !== "ok" && o.start >= from && o.start < healed);
    const { afterDetection, slow, slowest, detect, fails } = failuresOnceMarkedDown(e.ops, e.spec, { from, to: healed });
    const direct = e.ops.filter((o) => o.f === "item-write" && o.start >= from && o.end <= healed);
    const firstBack = pool.filter((o) => o.type === "ok" && o.start >= healed).sort((a, b) => a.start - b.start)[0];
    const backMs = firstBack ? firstBack.start - healed : null;
    const servers = Number(e.observed.servers);
    return [
      control("logins through 6432 are asked for SCRAM-SHA-256", String(e.observed.login).includes("SCRAM-SHA-256"), `PgBouncer's answer to a startup message: ${String(e.observed.login)}`),
      control("PgBouncer's pool held server connections to the leader before the fault", servers > 0, `SHOW SERVERS: ${String(servers)} server connection(s)`),
      control("the kill was felt: writes through 6432 failed", failedInFault.length > 0, `${String(failedInFault.length)} pool-write failed while PgBouncer was down`),
      result(
        "once haproxy-01 marked PgBouncer down, clients of 6432 failed at once",
        afterDetection.length > 0 && slow.length === 0,
        `${String(afterDetection.length)} failures after detection (${detect.derivation}); ${String(slow.length)} slower than ${fails.derivation} (slowest ${String(Math.round(slowest))} ms)`,
        { failures: afterDetection.length, slow: slow.length, slowestMs: Math.round(slowest), limitMs: fails.ms },
      ),
      result("writes straight to the leader (5432) never failed", direct.length > 0 && direct.every((o) => o.type === "ok"), `${String(direct.filter((o) => o.type !== "ok").length)} of ${String(direct.length)} item-write failed while PgBouncer was down`),
      result("writes through 6432 came back within the restart and haproxy-01's rise", backMs !== null && backMs <= back.ms, `first pool-write after the restart asked: ${backMs === null ? "never" : `${String(Math.round(backMs))} ms`}; bound ${back.derivation}`, { backMs: backMs === null ? null : Math.round(backMs), boundMs: back.ms }),
      lostWrites(e.ops, { f: "pool-write", present: e.finalRead["pool-write"] ?? null }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});

