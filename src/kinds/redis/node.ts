import { nodeOf } from "../../cluster/address.js";
import type { NodeAddress } from "../../cluster/address.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import type { NodeKind } from "../../nodes/kind.js";
import { expect, isString, knownKeys, orDefault } from "../../nodes/settings.js";
import { withRedis } from "./sentinel.js";
import { catalogImage } from "../../images/catalog-image.js";

export interface RedisNodeSettings {
  /** `appendonly yes` (seed 003's `redis-server --appendonly yes`): a restarted node comes back with its data. */
  readonly appendOnly: boolean;
  /** Redis's own guard against split brain: a master refuses writes unless this many replicas acknowledged lately. */
  readonly minReplicasToWrite: number;
  /** ... within this many seconds. */
  readonly minReplicasMaxLagS: number;
  /** The node it replicates from when it starts (none: it starts as a master). */
  readonly replicaOf?: string;
  /** A SCAN pattern of cache-aside entries whose expiries are read back from the master (`product:*`). */
  readonly cacheKeys?: string;
}

const KEYS = ["appendOnly", "minReplicasToWrite", "minReplicasMaxLagS", "replicaOf", "cacheKeys"] as const;

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** redis.conf as the node runs it: what Sentinel, replicas and the split-brain guard need. */
export function redisConf(name: string, s: RedisNodeSettings): string {
  return [
    `port ${PORTS.redis}`,
    // Every node announces its network alias, so Sentinel and replicas address it by a name that survives restarts.
    `replica-announce-ip ${name}`,
    // A full sync starts at once: the default waits 5 s for more replicas to share it, and there is only one.
    "repl-diskless-sync-delay 0",
    // Seed 003 runs every Redis with --appendonly yes: a master killed and restarted reloads what it had
    // (fsync every second), instead of coming back empty and wiping its replica on the next sync.
    `appendonly ${s.appendOnly ? "yes" : "no"}`,
    `min-replicas-to-write ${String(s.minReplicasToWrite)}`,
    `min-replicas-max-lag ${String(s.minReplicasMaxLagS)}`,
    ...(s.replicaOf ? [`replicaof ${s.replicaOf} ${PORTS.redis}`] : []),
  ].join("\n");
}

/** A Redis node's role and link as it reports them itself (INFO replication), or why it could not be read. */
export interface RedisRole {
  readonly role: string;
  readonly linkUp: boolean | null;
}

export async function redisRole(address: NodeAddress): Promise<RedisRole> {
  return withRedis(nodeOf(address), PORTS.redis, async (r) => roleOf(await r.info("replication"))).catch(() => ({ role: "unreachable", linkUp: null }));
}

/** A node's role and link from its INFO replication section. */
function roleOf(info: string): RedisRole {
  const role = /role:(\w+)/.exec(info)?.[1] ?? "unknown";
  const link = /master_link_status:(\w+)/.exec(info)?.[1];
  return { role, linkUp: link === undefined ? null : link === "up" };
}

/** What is off across a group's nodes, by what each said of itself: one that is neither master nor linked replica, not one master. */
export function redisGroupProblems(roles: readonly (readonly [string, RedisRole])[]): string[] {
  const problems: string[] = [];
  // Every node answers as master or replica: one that does not (down, still loading) is not steady state.
  for (const [name, n] of roles) if (n.role !== "master" && n.role !== "slave") problems.push(`${name} is ${n.role}`);
  if (roles.filter(([, n]) => n.role === "master").length !== 1) problems.push(`expected one Redis master: ${roles.map(([a, n]) => `${a}=${n.role}`).join(", ")}`);
  for (const [name, n] of roles) if (n.role === "slave" && n.linkUp !== true) problems.push(`${name}'s link to its master is down`);
  return problems;
}

/** Cache-aside entries on a node: how many, how many never expire, the longest time to live left (s). */
export interface CacheEntries {
  readonly pattern: string;
  readonly entries: number;
  /** Entries with no expiry at all (TTL -1): a missed invalidation would serve them forever. */
  readonly withoutTtl: number;
  readonly maxTtlS: number | null;
}

/** What a Redis node has in force, read back from it: its role, the guard's settings, its cache entries' expiries. */
export interface RedisReadBack extends RedisRole {
  readonly appendOnly: boolean;
  readonly minReplicasToWrite: number;
  readonly minReplicasMaxLagS: number;
  readonly cache?: CacheEntries;
}

async function readBack(address: NodeAddress, s: RedisNodeSettings): Promise<RedisReadBack> {
  return withRedis(nodeOf(address), PORTS.redis, async (r) => {
    const config = async (key: string) => (await r.config("GET", key))[1] ?? "";
    const role = roleOf(await r.info("replication"));
    let cache: CacheEntries | undefined;
    if (s.cacheKeys) {
      // The keyspace is a handful of entries: one bounded SCAN pass finds them all.
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await r.scan(cursor, "MATCH", s.cacheKeys, "COUNT", 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0" && keys.length < 10_000);
      const live = (await Promise.all(keys.map((k) => r.ttl(k)))).filter((t) => t !== -2);
      cache = { pattern: s.cacheKeys, entries: live.length, withoutTtl: live.filter((t) => t === -1).length, maxTtlS: live.length ? Math.max(...live) : null };
    }
    return {
      ...role,
      appendOnly: (await config("appendonly")) === "yes",
      minReplicasToWrite: Number(await config("min-replicas-to-write")),
      minReplicasMaxLagS: Number(await config("min-replicas-max-lag")),
      ...(cache ? { cache } : {}),
    };
  });
}

/**
 * Redis (Debian's package) as one node of a replicated group: a master, or a replica of the node it names, each
 * announcing its name so Sentinel and replicas follow it across restarts. verify() asks across the group: every
 * node a master or a linked replica, and exactly one master. What it has in force is read back (role, the
 * split-brain guard, appendonly, the expiries of a cache's entries).
 */
export const REDIS: NodeKind<RedisNodeSettings> = {
  name: "redis",
  summary: "Redis, a master or the replica of a node it names; verify() wants one master and every replica linked",
  settings(node) {
    const raw = knownKeys(node.name, "redis", node.settings, KEYS);
    const n = node.name;
    return {
      appendOnly: orDefault(n, raw, "appendOnly", true, (v): v is boolean => typeof v === "boolean", "true or false"),
      minReplicasToWrite: orDefault(n, raw, "minReplicasToWrite", 0, isCount, "a count"),
      minReplicasMaxLagS: orDefault(n, raw, "minReplicasMaxLagS", 10, isCount, "seconds"),
      ...(raw.replicaOf === undefined ? {} : { replicaOf: expect(n, "replicaOf", raw.replicaOf, isString, "a node's name") }),
      ...(raw.cacheKeys === undefined ? {} : { cacheKeys: expect(n, "cacheKeys", raw.cacheKeys, isString, "a SCAN pattern") }),
    };
  },
  prepare: () => catalogImage("redis"),
  ports: () => [PORTS.redis],
  container(node, s, image) {
    return nodeContainer("redis", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withCopyContentToContainer([{ content: `${redisConf(node.name, s)}\n`, target: "/etc/brownout/redis.conf" }])
      .withCommand(["redis-server", "/etc/brownout/redis.conf"]);
  },
  readBack: (node, s) => readBack(node.address, s),
  together: {
    problems: async (nodes) => redisGroupProblems(await Promise.all(nodes.map(async (n) => [n.name, await redisRole(n.address)] as const))),
  },
};
