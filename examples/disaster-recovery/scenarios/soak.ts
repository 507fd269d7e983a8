import { bound, type Bound, defineScenario, type FinalRead, kill, lostWrites, measurement, partition, perFaultWindow, queueDeliveries, recoveredAfterEachFault, recoveredInTime, recoveryBound, RABBITMQ_BOOT_MS, slowest, type SoakDefinition, type SoakFault, stop, type TopologySpec, type Workload } from "brownout";
import { PREFETCH, QUEUE_PROFILE, queueFailoverBound, queueWorkload } from "./queue.js";
import { REDIS_PROFILE, redisWorkload } from "./redis.js";
import { checksOf, DB_PROFILE, haproxyMutant, pgbouncerOf, poolWorkload } from "./stack.js";

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
    mutants: [haproxyMutant("haproxy-pgbouncer-no-check", "haproxy-01's PgBouncer server without `check`: a dead PgBouncer is never marked down, each client waits on a connect to it")],
    phases: (spec) => ({ steadyMs: 2000, faultMs: 0, afterMs: 3000, recovery: recoveryBound(spec) }),
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
    return [...WRITES.map((f) => recoveredAfterEachFault(e, f, back.ms)), ...perFaultWindow(e, WRITES, back.ms)];
  },
};
