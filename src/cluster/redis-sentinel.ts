import { Redis } from "ioredis";
import { type StartedNetwork, type StartedTestContainer, Wait } from "testcontainers";
import { PORTS, nodeContainer } from "./containers.js";
import { runLabels } from "./labels.js";
import { until } from "./until.js";
import type { DetectionTimings } from "./topology.js";

export const MASTER_NAME = "brownout";

export interface RedisSentinel {
  readonly redis: { readonly "redis-1": StartedTestContainer; readonly "redis-2": StartedTestContainer };
  readonly sentinels: readonly StartedTestContainer[];
}

function redisConf(alias: string, replicaOf?: string): string {
  return [
    `port ${PORTS.redis}`,
    // Every node announces its network alias, so Sentinel and replicas address it by a name that survives restarts.
    `replica-announce-ip ${alias}`,
    // A full sync starts at once: the default waits 5 s for more replicas to share it, and there is only one.
    "repl-diskless-sync-delay 0",
    ...(replicaOf ? [`replicaof ${replicaOf} ${PORTS.redis}`] : []),
  ].join("\n");
}

function sentinelConf(alias: string, t: DetectionTimings["sentinel"]): string {
  // resolve-hostnames must come before the monitor line that names a host.
  return [
    `port ${PORTS.sentinel}`,
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames yes",
    `sentinel announce-ip ${alias}`,
    `sentinel monitor ${MASTER_NAME} redis-1 ${PORTS.redis} ${t.quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${t.downAfterMs}`,
    `sentinel failover-timeout ${MASTER_NAME} ${t.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
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

/** Waits until a replica reports its link to the master up. */
async function replicaLinked(replica: StartedTestContainer, withinMs: number): Promise<void> {
  await until("redis-2 in sync with redis-1", withinMs, async () =>
    /master_link_status:up/.test(await withRedis(replica, PORTS.redis, (r) => r.info("replication"))) ? true : undefined,
  50);
}

/**
 * redis-1 (master), redis-2 (its replica), then three Sentinels watching them under one master name. The
 * Sentinels start once the replica is linked: they learn replicas from the master's INFO, which they poll
 * every 10 s, so starting earlier could leave them unaware of the only replica they could promote.
 */
export async function startRedisSentinel(network: StartedNetwork, timings: DetectionTimings): Promise<RedisSentinel> {
  const master = await redisNode(network, "redis-1", redisConf("redis-1")).start();
  const replica = await redisNode(network, "redis-2", redisConf("redis-2", "redis-1")).start();
  await replicaLinked(replica, 10_000);
  const sentinels = await Promise.all(
    [1, 2, 3].map((i) =>
      nodeContainer("redis")
        .withLabels(runLabels(`sentinel-${String(i)}`))
        .withNetwork(network)
        .withNetworkAliases(`sentinel-${String(i)}`)
        .withExposedPorts(PORTS.sentinel)
        .withCopyContentToContainer([{ content: `${sentinelConf(`sentinel-${String(i)}`, timings.sentinel)}\n`, target: "/etc/brownout/sentinel.conf" }])
        .withCommand(["redis-sentinel", "/etc/brownout/sentinel.conf"])
        // Serving and monitoring: it answers with the master's address (asked rather than read from the log,
        // for the same reason as the Redis preset's wait).
        .withWaitStrategy(Wait.forSuccessfulCommand(`redis-cli -p ${String(PORTS.sentinel)} sentinel get-master-addr-by-name ${MASTER_NAME} | grep -q .`))
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
    connectTimeout: 2000,
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
  return { sentinels: rs.sentinels.length, sentinelMasters, sentinelReplicas, quorum, nodes };
}

export function redisProblems(f: RedisFacts): string[] {
  const problems: string[] = [];
  const masters = new Set(f.sentinelMasters);
  if (masters.size !== 1) problems.push(`Sentinels disagree on the master: ${f.sentinelMasters.join(", ")}`);
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
