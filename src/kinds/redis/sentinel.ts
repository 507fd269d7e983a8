import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { RespPingWait } from "../../cluster/resp-wait.js";
import { type DetectionTimings, FACTS_QUERY_TIMEOUT_MS, type RedisSettings } from "../../cluster/topology.js";

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

export interface RedisSentinel {
  readonly redis: { readonly "redis-1": StartedTestContainer; readonly "redis-2": StartedTestContainer };
  readonly sentinels: readonly StartedTestContainer[];
}

function redisConf(alias: string, settings: RedisSettings, replicaOf?: string): string {
  return [
    `port ${PORTS.redis}`,
    // Every node announces its network alias, so Sentinel and replicas address it by a name that survives restarts.
    `replica-announce-ip ${alias}`,
    // A full sync starts at once: the default waits 5 s for more replicas to share it, and there is only one.
    "repl-diskless-sync-delay 0",
    // Seed 003 runs every Redis with --appendonly yes: a master killed and restarted reloads what it had
    // (fsync every second), instead of coming back empty and wiping its replica on the next sync.
    `appendonly ${settings.appendOnly ? "yes" : "no"}`,
    // A regression can leave the protection in the first master's file only (the replica's regenerated from the
    // package's default): gone after the first failover.
    `min-replicas-to-write ${String(replicaOf && settings.minReplicasOnFirstMasterOnly === true ? 0 : settings.minReplicasToWrite)}`,
    `min-replicas-max-lag ${String(settings.minReplicasMaxLagS)}`,
    ...(replicaOf ? [`replicaof ${replicaOf} ${PORTS.redis}`] : []),
  ].join("\n");
}

export const SENTINELS = ["sentinel-1", "sentinel-2", "sentinel-3"] as const;

/** A Sentinel's fixed ID: its peers name it in their config before any of them has run. */
function sentinelId(alias: string): string {
  return createHash("sha1").update(`brownout ${alias}`).digest("hex");
}

/**
 * Each Sentinel is told the whole set-up in its config: the master, the replica and its two peers (by alias and
 * fixed ID). Left to discover them, a Sentinel learns the replica from the master's INFO (every 10 s) and its
 * peers from their hello messages (every 2 s), so a new topology would not have a usable quorum for seconds.
 * Sentinel 7 accepts a name that does not resolve yet (a peer whose container is still starting) and resolves it
 * again at each reconnect.
 */
export function sentinelConf(alias: string, t: DetectionTimings["sentinel"]): string {
  // resolve-hostnames must come before the monitor line that names a host.
  return [
    `port ${PORTS.sentinel}`,
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames yes",
    `sentinel announce-ip ${alias}`,
    `sentinel myid ${sentinelId(alias)}`,
    `sentinel monitor ${MASTER_NAME} redis-1 ${PORTS.redis} ${t.quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${t.downAfterMs}`,
    `sentinel failover-timeout ${MASTER_NAME} ${t.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
    `sentinel known-replica ${MASTER_NAME} redis-2 ${PORTS.redis}`,
    ...SENTINELS.filter((peer) => peer !== alias).map(
      (peer) => `sentinel known-sentinel ${MASTER_NAME} ${peer} ${PORTS.sentinel} ${sentinelId(peer)}`,
    ),
  ].join("\n");
}

function redisNode(network: StartedNetwork, alias: string, conf: string) {
  return nodeContainer("redis")
    .withLabels(runLabels(alias))
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withCopyContentToContainer([{ content: `${conf}\n`, target: "/etc/brownout/redis.conf" }])
    .withCommand(["redis-server", "/etc/brownout/redis.conf"]);
}

/**
 * redis-1 (master) and redis-2 (its replica, retrying its master until it answers) together, then three Sentinels
 * watching them under one master name, once both serve: a Sentinel counts `down-after-milliseconds` from its own
 * start, so one that starts before the master serves would fail it over before the topology has even started.
 * verify() then waits for the replica's link and the Sentinels' quorum.
 */
export async function startRedisSentinel(network: StartedNetwork, timings: DetectionTimings, settings: RedisSettings): Promise<RedisSentinel> {
  const [master, replica] = await Promise.all([
    redisNode(network, "redis-1", redisConf("redis-1", settings)).start(),
    redisNode(network, "redis-2", redisConf("redis-2", settings, "redis-1")).start(),
  ]);
  const sentinels = await Promise.all(
    SENTINELS.map((alias) =>
      // Ahead of anything still queued: nothing else waits on them, but the slice does.
      nodeContainer("redis", { startRank: 0 })
        .withLabels(runLabels(alias))
        .withNetwork(network)
        .withNetworkAliases(alias)
        .withExposedPorts(PORTS.sentinel)
        .withCopyContentToContainer([{ content: `${sentinelConf(alias, timings.sentinel)}\n`, target: "/etc/brownout/sentinel.conf" }])
        .withCommand(["redis-sentinel", "/etc/brownout/sentinel.conf"])
        .withWaitStrategy(new RespPingWait(PORTS.sentinel))
        .start(),
    ),
  );
  return { redis: { "redis-1": master, "redis-2": replica }, sentinels };
}

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

export interface RedisFacts {
  /** How many Sentinels the topology runs: steady state is all of them usable, not just a quorum. */
  readonly sentinels: number;
  /** The master each Sentinel reports, by alias. */
  readonly sentinelMasters: readonly string[];
  /** Each Sentinel's flags for that master (`master`, or `master,s_down,o_down` while it thinks it down). */
  readonly sentinelMasterFlags: readonly string[];
  /** The replicas each Sentinel knows, as "alias flags", e.g. "redis-2 slave" or "redis-2 slave,s_down". */
  readonly sentinelReplicas: readonly (readonly string[])[];
  readonly quorum: string;
  /** role and link state per Redis node, from INFO replication. */
  readonly nodes: Readonly<Record<string, { role: string; linkUp: boolean | null }>>;
}

export async function redisFacts(rs: RedisSentinel): Promise<RedisFacts> {
  const sentinelMasters = await Promise.all(
    rs.sentinels.map((s) =>
      withRedis(s, PORTS.sentinel, async (r) => {
        const addr = (await r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)) as string[] | null;
        return addr?.[0] ?? "none";
      }).catch((e: unknown) => `unreachable (${e instanceof Error ? e.message : String(e)})`),
    ),
  );
  const sentinelMasterFlags = await Promise.all(
    rs.sentinels.map((s) =>
      withRedis(s, PORTS.sentinel, async (r) => {
        const flat = (await r.call("SENTINEL", "MASTER", MASTER_NAME)) as string[];
        return flat[flat.indexOf("flags") + 1] ?? "?";
      }).catch(() => "unreachable"),
    ),
  );
  // Sentinels learn replicas from the master's INFO, every 10 s: until each knows the replica, a failover
  // would find no replica to promote.
  const sentinelReplicas = await Promise.all(
    rs.sentinels.map((s) =>
      withRedis(s, PORTS.sentinel, async (r) => {
        const replicas = (await r.call("SENTINEL", "REPLICAS", MASTER_NAME)) as string[][];
        return replicas.map((flat) => {
          const field = (name: string) => flat[flat.indexOf(name) + 1] ?? "?";
          // Not its master-link-status: Sentinel refreshes that every 10 s, the node's own INFO (below) is current.
          return `${field("ip")} ${field("flags")}`;
        });
      }).catch(() => [] as string[]),
    ),
  );
  const first = rs.sentinels[0];
  const quorum = first
    ? await withRedis(first, PORTS.sentinel, async (r) => String(await r.call("SENTINEL", "CKQUORUM", MASTER_NAME))).catch((e: unknown) =>
        e instanceof Error ? e.message : String(e),
      )
    : "no sentinel";
  const nodes: Record<string, { role: string; linkUp: boolean | null }> = {};
  for (const [alias, c] of Object.entries(rs.redis)) {
    nodes[alias] = await withRedis(c, PORTS.redis, async (r) => {
      const info = await r.info("replication");
      const role = /role:(\w+)/.exec(info)?.[1] ?? "unknown";
      const link = /master_link_status:(\w+)/.exec(info)?.[1];
      return { role, linkUp: link === undefined ? null : link === "up" };
    }).catch(() => ({ role: "unreachable", linkUp: null }));
  }
  return { sentinels: rs.sentinels.length, sentinelMasters, sentinelMasterFlags, sentinelReplicas, quorum, nodes };
}

export function redisProblems(f: RedisFacts): string[] {
  const problems: string[] = [];
  const masters = new Set(f.sentinelMasters);
  if (masters.size !== 1) problems.push(`Sentinels disagree on the master: ${f.sentinelMasters.join(", ")}`);
  // A Sentinel that still thinks the master down may yet fail it over: not steady until it sees it up.
  f.sentinelMasterFlags.forEach((flags, i) => {
    if (/s_down|o_down|failover/.test(flags)) problems.push(`sentinel-${String(i + 1)} flags the master ${flags}`);
  });
  const [reported] = f.sentinelMasters;
  if (reported && f.nodes[reported]?.role !== "master") problems.push(`Sentinel reports ${reported} as master, but it is ${f.nodes[reported]?.role ?? "unknown"}`);
  // CKQUORUM says OK as soon as a quorum is reachable; until every Sentinel has discovered the others, one
  // more failure could lose it, so fewer usable Sentinels than configured is not steady.
  const usable = /^OK (\d+) usable/.exec(f.quorum)?.[1];
  if (usable === undefined) problems.push(`Sentinel quorum: ${f.quorum}`);
  else if (Number(usable) !== f.sentinels) problems.push(`only ${usable} of ${String(f.sentinels)} Sentinels are usable`);
  const roles = Object.entries(f.nodes);
  // Every node answers as master or replica: one that does not (down, still loading) is not steady state.
  for (const [alias, n] of roles) if (n.role !== "master" && n.role !== "slave") problems.push(`${alias} is ${n.role}`);
  if (roles.filter(([, n]) => n.role === "master").length !== 1) problems.push(`expected one Redis master: ${roles.map(([a, n]) => `${a}=${n.role}`).join(", ")}`);
  for (const [alias, n] of roles) if (n.role === "slave" && n.linkUp !== true) problems.push(`${alias}'s link to its master is down`);
  const replicas = roles.filter(([, n]) => n.role === "slave").map(([alias]) => alias);
  f.sentinelReplicas.forEach((known, i) => {
    for (const alias of replicas) {
      const seen = known.find((k) => k.startsWith(`${alias} `));
      if (!seen) problems.push(`sentinel-${String(i + 1)} does not know replica ${alias} yet`);
      else if (seen !== `${alias} slave`) problems.push(`sentinel-${String(i + 1)} sees ${seen}`);
    }
  });
  return problems;
}
