import { bound, type Bound, type CheckResult, defineScenario, type Evidence, faultWindows, type FinalRead, kill, lostWrites, measurement, partition, perFaultWindow, queueDeliveries, recoveredAfterEachFault, recoveredInTime, recoveryBound, RABBITMQ_BOOT_MS, result, slowest, type SoakDefinition, type SoakFault, stop, type TopologySpec, type Workload } from "brownout";
import { PREFETCH, QUEUE_PROFILE, queueFailoverBound, queueWorkload } from "./queue.js";
import { REDIS_PROFILE, redisWorkload } from "./redis.js";
import { failuresOnceMarkedDown } from "./pgbouncer.js";
import { checksOf, DB_PROFILE, HAPROXY_PGBOUNCER_NO_CHECK, pgbouncerOf, poolWorkload } from "./stack.js";

/**
 * The faults a seed 002 soak draws from: each reversible (healed, the stack back to its steady state), none on a
 * leader (a Patroni leader, the Redis master, the queue's leader), whose loss changes the steady state for good.
 */
const CATALOG: readonly SoakFault[] = [
  { fault: kill("pgbouncer"), weight: 2, holdMs: [1000, 3000], roles: ["pgbouncer"], settleMs: 3000 },
  { fault: stop("redis-03"), weight: 1, holdMs: [2000, 4000], roles: ["redis-03"], settleMs: 3000 },
  { fault: kill("queue-03"), weight: 2, holdMs: [2000, 4000], roles: ["queue-03"], settleMs: RABBITMQ_BOOT_MS },
  { fault: partition("etcd-3", ["etcd-1", "etcd-2"]), weight: 1, holdMs: [2000, 4000], roles: ["etcd-1", "etcd-2", "etcd-3"], settleMs: 2000 },
];

/**
 * How long after each catalog fault's heal the writes it stopped are served again: PgBouncer restarted, seen
 * rising by haproxy-01 and logged in to the leader; a RabbitMQ node's clients reconnected to another node (they
 * already have, during the hold); a Redis replica or an etcd member out never stops a write.
 */
function writesBack(spec: TopologySpec): Bound {
  const h = checksOf(spec);
  return bound(
    slowest({
      "PgBouncer back behind haproxy-01": bound(["PgBouncer starts", spec.margins.serverStartMs], ["inter", h.interMs, "rise", h.rise], ["check timeout", h.timeoutMs], ["server_login_retry", pgbouncerOf(spec).serverLoginRetryS * 1000]),
      "a RabbitMQ node's clients on another node": queueFailoverBound(spec, "closed"),
    }),
    ...measurement(spec),
  );
}

/** Writes through 5432, 6432 and 6379, and publishers and workers through 5672, all at once. */
function everything(parts: readonly Workload[]): Workload {
  return {
    probes: parts.flatMap((p) => p.probes),
    close: () => {
      for (const p of parts) p.close?.();
    },
    finalRead: async () => {
      const reads: FinalRead[] = await Promise.all(parts.map((p) => p.finalRead?.() ?? Promise.resolve({})));
      return reads.reduce<FinalRead>((all, r) => ({ ...all, ...r }), {});
    },
  };
}

const WRITES = ["item-write", "pool-write", "redis-write", "enqueue"] as const;

/**
 * In every PgBouncer kill held past haproxy-01's detection, the writes through 6432 failed at once (HAProxy had
 * marked it down), as pgbouncer-killed asks of its one kill: a soak whose kills are short still shows whether
 * clients wait on connects to a dead PgBouncer.
 */
function failedAtOnceEachKill(e: Evidence): CheckResult {
  const kills = faultWindows(e.journal).filter((w) => w.target === "pgbouncer" && w.to !== null);
  const measured = kills.map((w) => failuresOnceMarkedDown(e.ops, e.spec, { from: w.from, to: w.to ?? w.from }));
  const failures = measured.reduce((n, m) => n + m.afterDetection.length, 0);
  const slow = measured.reduce((n, m) => n + m.slow.length, 0);
  const slowest = measured.reduce((x, m) => Math.max(x, m.slowest), 0);
  const name = "once haproxy-01 marked PgBouncer down, clients of 6432 failed at once (each kill)";
  if (failures === 0) return result(name, "unknown", `${String(kills.length)} PgBouncer kill(s), none held past haproxy-01's detection with a write through 6432 after it`);
  const m = measured[0];
  return result(name, slow === 0, `${String(kills.length)} kills; ${String(failures)} failures after detection (${m?.detect.derivation ?? ""}); ${String(slow)} slower than ${m?.fails.derivation ?? ""} (slowest ${String(Math.round(slowest))} ms)`, { kills: kills.length, failures, slow, slowestMs: Math.round(slowest) });
}

/**
 * Seed 002's soak: its whole stack (Patroni on etcd, PgBouncer, Redis with Sentinel, RabbitMQ) under the
 * application's writes on every port of haproxy-01, and a seeded schedule of the faults above.
 *
 *   npm run chaos -- --config examples/disaster-recovery/brownout.config.ts --soak 3m --seed 7
 */
export const DR_SOAK: SoakDefinition = {
  base: defineScenario({
    name: "soak",
    fault: "none (the soak's schedule)",
    expected: "no acknowledged write lost on 5432, 6432 and 6379, no confirmed message lost; after each heal, writes on every port served again",
    topology: { composeProfiles: [DB_PROFILE, REDIS_PROFILE, QUEUE_PROFILE] },
    mechanisms: [],
    mutants: [HAPROXY_PGBOUNCER_NO_CHECK],
    phases: (spec) => ({ faultMs: 0, afterMs: 3000, recovery: recoveryBound(spec) }),
    timeline: [{ atMs: 0, action: "nothing", target: "-" }],
    workload: (ctx) => Promise.resolve(everything([poolWorkload(ctx, ctx.topology.spec), redisWorkload(ctx), queueWorkload(ctx)])),
    inject: () => Promise.resolve([]),
    checks: (e) => [
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      lostWrites(e.ops, { f: "pool-write", present: e.finalRead["pool-write"] ?? null }),
      // No fault touches the Redis master: no write is allowed to go.
      lostWrites(e.ops, { f: "redis-write", present: e.finalRead["redis-write"] ?? null }),
      ...queueDeliveries(e.ops, { publish: "enqueue", consume: "dequeue", drained: e.finalRead["dequeue-drain"] ? [...(e.finalRead["dequeue-drain"] ?? [])] : null, finalRead: "dequeue-drain", prefetch: PREFETCH }),
      recoveredInTime(e),
    ],
  }),
  catalog: CATALOG,
  gapMs: [3000, 8000],
  checks: (e) => {
    const back = writesBack(e.spec);
    return [...WRITES.map((f) => recoveredAfterEachFault(e, f, back.ms)), failedAtOnceEachKill(e), ...perFaultWindow(e, WRITES, back.ms)];
  },
};
