import { Redis } from "ioredis";
import type { StartedTestContainer } from "testcontainers";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";

export const MASTER_NAME = "brownout";

/**
 * Sentinel's fixed periods (sentinel.c, not configurable), which bound a failover beside the configured
 * down-after-milliseconds: other Sentinels are asked for their view of a master every ASK period before it is
 * objectively down; a failover starts up to MAX_DESYNC after that (random, so Sentinels do not all stand for
 * leader at once); during a failover the promoted replica's INFO is read every second, and the promotion is seen
 * there. Outside a failover an instance's INFO is read every INFO period, and a returned old master that still
 * reports itself master is converted to a replica only once it has done so for CONVERT_WAIT (4 × the hello
 * publish period), at its next INFO after that. Each instance is pinged every PING period (or every down-after,
 * if shorter), and Sentinel's timer, which flags an instance down, runs at least every TIMER period (hz 10 to 19).
 */
export const SENTINEL_PERIODS = { askMs: 1000, maxDesyncMs: 1000, failoverInfoMs: 1000, infoMs: 10_000, convertWaitMs: 4 * 2000, pingMs: 1000, timerMs: 100 } as const;

/**
 * Redis's replication periods (replication.c, not configurable), which bound how long an isolated master with
 * min-replicas-to-write keeps taking writes: a replica ACKs every second, its lag is counted in whole seconds, and
 * the count of good replicas is refreshed by the replication cron, once a second.
 */
export const REDIS_REPLICATION_PERIODS = { replicaAckMs: 1000, lagResolutionMs: 1000, cronMs: 1000 } as const;

/**
 * Sentinel's TILT mode (sentinel.c): when two runs of its timer are more than TILT_TRIGGER apart (the process
 * was stalled, or the wall clock stepped forward) or the clock went backwards, it acts on nothing for
 * TILT_PERIOD: it still monitors, but fails nothing over.
 */
export const SENTINEL_TILT = { triggerMs: 2000, periodMs: 30_000 } as const;

/**
 * Sentinel promotes no replica whose link to the master has been down for longer than the master has been
 * subjectively down plus this many down-after periods (sentinelSelectSlave): such a replica is judged too stale.
 */
export const SENTINEL_REPLICA_VALIDITY_FACTOR = 10;

export const SENTINELS = ["sentinel-1", "sentinel-2", "sentinel-3"] as const;
export const REDIS_NODES = ["redis-1", "redis-2"] as const;

export async function withRedis<T>(container: StartedTestContainer, port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  // One-shot: no reconnects, no offline queue; a node that is down is an answer, not something to wait for.
  const r = new Redis({
    host: container.getHost(),
    port: container.getMappedPort(port),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: FACTS_QUERY_TIMEOUT_MS,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  r.on("error", () => undefined); // errors reach the caller through the rejected command
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

