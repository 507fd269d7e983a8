import type { NodeDeclaration, TopologySpec } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import type { RedisNodeSettings } from "./node.js";
import { MASTER_NAME, REDIS_NODES, SENTINELS } from "./sentinel.js";
import type { SentinelSettings } from "./sentinel-node.js";

/** The built-in app's cache-aside entries (seed 004): what the cache-ttl control reads back. */
const CACHE_KEYS = "product:*";

/**
 * The redis slice (seed 003): redis-1 (master) and redis-2 (its replica, retrying its master until it answers),
 * then three Sentinels watching them under one master name once both serve: a Sentinel counts
 * down-after-milliseconds from its own start, so one that started before the master served would fail it over
 * before the stack had even started.
 */
export function redisNodes(spec: TopologySpec): NodeDeclaration[] {
  if (!spec.slices.includes("redis")) return [];
  const [master, replica] = REDIS_NODES;
  const r = spec.redis;
  const redis = (name: string, replicaOf?: string): NodeDeclaration => {
    const settings: RedisNodeSettings = {
      appendOnly: r.appendOnly,
      // A regression can leave the protection in the first master's file only (the replica's regenerated from the
      // package's default): gone after the first failover.
      minReplicasToWrite: replicaOf && r.minReplicasOnFirstMasterOnly === true ? 0 : r.minReplicasToWrite,
      minReplicasMaxLagS: r.minReplicasMaxLagS,
      cacheKeys: CACHE_KEYS,
      ...(replicaOf ? { replicaOf } : {}),
    };
    return { name, kind: "redis", settings };
  };
  const t = spec.timings.sentinel;
  const sentinel = (name: string): NodeDeclaration => {
    const settings: SentinelSettings = {
      master: MASTER_NAME,
      monitors: master,
      replicas: [replica],
      peers: SENTINELS.filter((p) => p !== name),
      quorum: t.quorum,
      downAfterMs: t.downAfterMs,
      failoverTimeoutMs: t.failoverTimeoutMs,
    };
    return { name, kind: "sentinel", settings, after: [...REDIS_NODES] };
  };
  return [redis(master), redis(replica, master), ...SENTINELS.map(sentinel)];
}

registerSpecNodes("redis", redisNodes);
