import { PORTS } from "../../cluster/containers.js";
import { MASTER_NAME, type RedisSentinel, withRedis } from "./sentinel.js";

export interface CacheView {
  readonly master: string;
  readonly entries: number;
  /** Entries with no expiry at all (TTL -1): a missed invalidation would serve them forever. */
  readonly withoutTtl: number;
  /** The longest time to live left on any entry, s. */
  readonly maxTtlS: number | null;
}

export interface SentinelView {
  readonly sentinel: string;
  readonly master: string;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly quorum: number;
  readonly replicas: number;
  readonly otherSentinels: number;
}

/** Each Sentinel's own view of the master it watches. */
export async function sentinelViews(rs: RedisSentinel): Promise<SentinelView[]> {
  return Promise.all(
    rs.sentinels.map(async (s, i) => {
      const flat = (await withRedis(s, PORTS.sentinel, (r) => r.call("SENTINEL", "MASTER", MASTER_NAME))) as string[];
      const m = new Map<string, string>();
      for (let k = 0; k + 1 < flat.length; k += 2) m.set(String(flat[k]), String(flat[k + 1]));
      return {
        sentinel: `sentinel-${String(i + 1)}`,
        master: m.get("ip") ?? "?",
        downAfterMs: Number(m.get("down-after-milliseconds")),
        failoverTimeoutMs: Number(m.get("failover-timeout")),
        quorum: Number(m.get("quorum")),
        replicas: Number(m.get("num-slaves")),
        otherSentinels: Number(m.get("num-other-sentinels")),
      };
    }),
  );
}

/** The cache-aside entries on whichever Redis node is master now: how many, and whether each expires. */
export async function cacheView(rs: RedisSentinel): Promise<CacheView> {
  for (const [alias, node] of Object.entries(rs.redis)) {
    const view = await withRedis(node, PORTS.redis, async (r) => {
      if (!(await r.info("replication")).includes("role:master")) return null;
      // The keyspace is a handful of entries: one bounded SCAN pass finds them all.
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await r.scan(cursor, "MATCH", "product:*", "COUNT", 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0" && keys.length < 10_000);
      const ttls = await Promise.all(keys.map((k) => r.ttl(k)));
      const live = ttls.filter((t) => t !== -2);
      return { master: alias, entries: live.length, withoutTtl: live.filter((t) => t === -1).length, maxTtlS: live.length ? Math.max(...live) : null };
    }).catch(() => null);
    if (view) return view;
  }
  throw new Error("no Redis node answers as master");
}

