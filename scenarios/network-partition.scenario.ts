import { bound, control, defineScenario, faultThenHeal, findStaleReads, holdFault, measurement, pgConnection, type Probe, productRead, productWrite, recoveredInTime, recoveryBound, result, seedProducts, slowest, staleReads, targets } from "../src/index.js";
import pg from "pg";
import type { StartedTestContainer } from "testcontainers";
import { MUTANTS } from "./mutants.js";

/**
 * Asks one Postgres node whether it is a primary (not in recovery): a history of roles, checked afterwards. One
 * small pool per node: a connection per probe would cost more than the probe measures.
 */
function pgRole(node: StartedTestContainer, role: string, pools: pg.Pool[]): Probe {
  const pool = new pg.Pool({ ...pgConnection(node), max: 2, connectionTimeoutMillis: 1000, query_timeout: 1000 });
  pool.on("error", () => undefined);
  pools.push(pool);
  return {
    name: `pg-role@${role}`,
    f: "pg-role",
    run: async () => {
      const inRecovery = (await pool.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r;
      return { type: "ok", value: { site: role, note: inRecovery ? "replica" : "primary" } };
    },
  };
}

const PHASES = { faultMs: 4000, afterMs: 1500 };

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
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.replicaApplyDelay, MUTANTS.pgReadToPrimary],
  // The cut drops packets: the replica's stream resumes at TCP's next retransmission (its backoff is at most the
  // cut held) or, if wal_receiver_timeout ended it, at the next wal_retrieve_retry_interval; then it catches up.
  phases: (spec) => ({
    ...PHASES,
    recovery: recoveryBound(
      spec,
      slowest({ "TCP retransmission backoff (at most the cut held)": bound(["cut held", PHASES.faultMs]), "the WAL receiver's reconnect": bound(["wal_retrieve_retry_interval", spec.timings.postgres.walRetrieveRetryMs]) }),
      ["async lag", spec.margins.asyncLagMs],
    ),
  }),
  timeline: faultThenHeal("partition", "pg-replica, pg-primary", "rules removed"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    const pools: pg.Pool[] = [];
    return {
      probes: [
        productWrite(ctx.http, t.gra, keys),
        productRead(ctx.http, t.gra, keys),
        pgRole(ctx.topology.node("pg-primary"), "pg-primary", pools),
        pgRole(ctx.topology.node("pg-replica"), "pg-replica", pools),
      ],
      close: () => {
        for (const p of pools) void p.end();
      },
    };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.partition("pg-replica", "pg-primary")),
  checks(e) {
    const roles = e.ops.filter((o) => o.f === "pg-role" && o.type === "ok");
    const primaries = new Set(roles.filter((o) => o.value?.note === "primary").map((o) => o.value?.site));
    const during = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "replica");
    const maxDuring = during.reduce((m, s) => Math.max(m, s.stalenessMs), 0);
    const after = e.at.steadyAt === null ? undefined : { from: e.at.steadyAt, to: e.at.end + 1 };
    const pg = e.spec.timings.postgres;
    // A silent cut is noticed by the replica's WAL receiver only after wal_receiver_timeout; it reconnects within
    // wal_retrieve_retry_interval of the heal. The replica may stay behind for the cut plus both, plus the
    // ordinary lag, seen by probes one interval apart.
    const b = bound(["cut held", e.phases.faultMs], ["wal_receiver_timeout", pg.walReceiverTimeoutMs], ["wal_retrieve_retry_interval", pg.walRetrieveRetryMs], ["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec));
    return [
      control("lag grows during the partition", during.length > 0, `${String(during.length)} stale replica reads, up to ${String(Math.round(maxDuring))} ms behind`, { count: during.length, maxStalenessMs: Math.round(maxDuring) }),
      staleReads(e.ops, { bound: b, sources: ["replica"], ...(after ? { noneIn: after } : {}), toleranceMs: e.spec.margins.asyncLagMs }),
      result("never two primaries", roles.length > 0 && primaries.size === 1 && primaries.has("pg-primary"), `${String(roles.length)} role samples; primaries seen: ${[...primaries].join(", ") || "none"}`),
      recoveredInTime(e),
    ];
  },
});
