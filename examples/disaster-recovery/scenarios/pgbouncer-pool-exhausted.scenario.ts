import { bound, type Bound, control, defineScenario, faultInForceAt, healAskedAt, holdFault, lostWrites, measurement, nothingToRecover, OBSERVE_MS, operation, probeTimeout, recoveredInTime, result, type TopologySpec } from "brownout";
import { DB_PROFILE, pgbouncerOf, poolWorkload } from "./stack.js";

/** PgBouncer's timers (query_wait_timeout among them) are checked by its janitor, once a second. */
const PGBOUNCER_JANITOR_MS = 1000;

/** A client waiting for a pooled connection is failed by PgBouncer after query_wait_timeout, seen at its janitor's next pass. */
function waitBound(spec: TopologySpec): Bound {
  return bound(["query_wait_timeout", pgbouncerOf(spec).queryWaitTimeoutS * 1000], ["PgBouncer's janitor pass", PGBOUNCER_JANITOR_MS], ...measurement(spec));
}

/** The error PgBouncer gives a client it stopped waiting for (SQLSTATE 08P01). */
const WAIT_ERROR = "query_wait_timeout";

/**
 * Seed 002's PgBouncer with its pool taken: as many clients as the pool has open a transaction and keep it, and
 * the application goes on writing through haproxy-01:6432. Its clients wait in PgBouncer's queue: one that waits
 * past query_wait_timeout is failed clearly (no hang); one still waiting when the holders let go is served. Clients
 * of 5432 (straight to the leader) never notice. The pool's size and wait are the stack's own (poolSize 4,
 * queryWaitTimeoutS 3 in its compose file).
 */
export default defineScenario({
  name: "pgbouncer-pool-exhausted",
  fault: "hold every connection of PgBouncer's pool in an open transaction; release them",
  expected: "clients of 6432 wait: those past query_wait_timeout fail with it, within it; those still waiting at the release are served; 5432 unaffected; no acknowledged write lost",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    { name: "pgbouncer-query-wait-forever", regression: "query_wait_timeout 0 (\"never fail a query\"): a client waits for a pooled connection as long as it takes", deploy: { nodes: [{ name: "pgbouncer", kind: "pgbouncer", settings: { queryWaitTimeoutS: 0 } }] } },
    { name: "pgbouncer-max-client-conn-20", regression: "max_client_conn lowered to 20 (five times the pool) to spare PgBouncer's file descriptors: a burst of waiting clients is refused", deploy: { nodes: [{ name: "pgbouncer", kind: "pgbouncer", settings: { maxClientConn: 20 } }] } },
  ],
  // A client waits up to the pool's wait bound: the probe gives it that long before its usual timeout.
  probeTimeoutMs: (spec) => waitBound(spec).ms + probeTimeout(spec),
  phases: (spec) => ({
    // Long enough for clients that wait past query_wait_timeout, and for clients still waiting at the release.
    faultMs: waitBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    // Releasing the held transactions changes no server: one look finds the stack steady.
    recovery: nothingToRecover(spec),
  }),
  timeline: [
    { atMs: 0, action: "hold every pooled connection of pgbouncer in an open transaction", target: "pgbouncer" },
    { atMs: "end", action: "heal: roll back and disconnect the holders", target: "pgbouncer" },
  ],
  workload: (ctx) => Promise.resolve(poolWorkload(ctx, ctx.topology.spec)),
  inject: (ctx) => holdFault(ctx, operation("pgbouncer", "hold")),
  checks(e) {
    const from = faultInForceAt(e);
    const released = healAskedAt(e);
    const qwtMs = pgbouncerOf(e.spec).queryWaitTimeoutS * 1000;
    const wait = waitBound(e.spec);
    const pool = e.ops.filter((o) => o.f === "pool-write");
    // Started early enough in the hold to wait past query_wait_timeout, janitor and all, before the release.
    const outwaited = pool.filter((o) => o.start >= from && o.start + wait.ms < released);
    const unclear = outwaited.filter((o) => o.type === "ok" || !(o.error ?? "").includes(WAIT_ERROR));
    const slow = outwaited.filter((o) => o.end - o.start > wait.ms);
    const slowest = outwaited.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    // Started less than query_wait_timeout before the release: still waiting when the pool's connections came back.
    const waiting = pool.filter((o) => o.start >= from && o.start > released - qwtMs && o.start < released);
    const refused = waiting.filter((o) => o.type !== "ok");
    const waitedMs = waiting.filter((o) => o.type === "ok" && o.start < released - e.intervalMs).map((o) => o.end - o.start);
    const direct = e.ops.filter((o) => o.f === "item-write" && o.start >= from && o.end <= released);
    return [
      control("the pool was exhausted: clients of 6432 waited", outwaited.length > 0 && waitedMs.length > 0, `${String(outwaited.length)} pool-write waited past query_wait_timeout; ${String(waitedMs.length)} waited for the release (longest ${String(Math.round(Math.max(0, ...waitedMs)))} ms)`),
      result(
        `clients that waited past query_wait_timeout failed with ${WAIT_ERROR}, within it`,
        outwaited.length > 0 && unclear.length === 0 && slow.length === 0,
        `${String(outwaited.length)} pool-write started ${String(wait.ms)} ms or more before the release: ${String(unclear.length)} without ${WAIT_ERROR}${unclear[0] ? ` (first: ${unclear[0].error ?? unclear[0].type})` : ""}, ${String(slow.length)} slower than ${wait.derivation} (slowest ${String(Math.round(slowest))} ms)`,
        { outwaited: outwaited.length, unclear: unclear.length, slow: slow.length, slowestMs: Math.round(slowest), boundMs: wait.ms },
      ),
      result("clients still waiting at the release were served", waiting.length > 0 && refused.length === 0, `${String(waiting.length - refused.length)} of ${String(waiting.length)} pool-write started within query_wait_timeout (${String(qwtMs)} ms) of the release succeeded${refused[0] ? `; first refused: ${refused[0].error ?? refused[0].type}` : ""}`, { waiting: waiting.length, refused: refused.length }),
      result("writes straight to the leader (5432) never failed", direct.length > 0 && direct.every((o) => o.type === "ok"), `${String(direct.filter((o) => o.type !== "ok").length)} of ${String(direct.length)} item-write failed while the pool was held`),
      lostWrites(e.ops, { f: "pool-write", present: e.finalRead["pool-write"] ?? null }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
