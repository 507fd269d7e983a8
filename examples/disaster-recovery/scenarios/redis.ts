import { keyPrefix } from "./stack.js";
import { bound, type Bound, measurement, parseStats, type Probe, redisProbe, type RedisProbeOptions, type RedisState, redisStateOf, type RunContext, SENTINEL, SENTINEL_PERIODS, type SentinelSettings, type TopologySpec, withRedis, type Workload } from "brownout";

export const SENTINELS = ["sentinel-01", "sentinel-02", "sentinel-03"] as const;
/** The compose profile of the Redis part: a scenario about it names it; the others do not start it. */
export const REDIS_PROFILE = "redis";
const REDIS_PORT = 6379;

/** The Sentinels' settings as this run deploys them (the profile's, a mutant's), read through the kind. */
export function sentinelsOf(spec: TopologySpec): SentinelSettings {
  const node = spec.nodes.find((n) => n.name === SENTINELS[0]);
  if (!node) throw new Error(`the stack declares no ${SENTINELS[0]} (is the '${REDIS_PROFILE}' profile named?)`);
  return SENTINEL.settings(node);
}

/**
 * From the master's death to writes through haproxy-01:6379 served by the new one: Sentinel flags it down after
 * down-after, asks its peers within one ask period, starts the failover within its desync, and sees the promotion
 * on the replica's next INFO (every second in a failover); the leader then queues redis-update-master.sh, run at
 * its next timer tick, which puts the new master in service on haproxy-01 (a server leaving maintenance is up at
 * once: its health counter stands at rise). failover-timeout only caps an attempt that stalls.
 */
export function redisFailoverBound(spec: TopologySpec): Bound {
  const s = sentinelsOf(spec);
  return bound(
    ["down-after", s.downAfterMs],
    ["Sentinel ask period", SENTINEL_PERIODS.askMs],
    ["Sentinel max desync", SENTINEL_PERIODS.maxDesyncMs],
    ["Sentinel failover INFO period", SENTINEL_PERIODS.failoverInfoMs],
    ["Sentinel timer (runs the queued script)", SENTINEL_PERIODS.timerMs],
    ...measurement(spec),
  );
}

/** What the Redis nodes and the Sentinels say now (the master each Sentinel names, each node's role). */
export function redisNow(ctx: RunContext): Promise<RedisState> {
  return redisStateOf(ctx.topology, sentinelsOf(ctx.topology.spec).master);
}

/** The master the Sentinels name, as the first that answered says. */
export function masterOf(state: RedisState): string {
  return state.sentinelMasters.find((m) => !m.startsWith("unreachable")) ?? "none";
}

/** haproxy-01's Redis servers and their status (`show stat` on its admin socket): UP, DOWN, MAINT... */
export async function haproxyRedisServers(ctx: RunContext): Promise<Record<string, string>> {
  const { output, exitCode } = await ctx.topology.node("haproxy-01").exec(["sh", "-c", "echo 'show stat' | socat stdio /run/haproxy/admin.sock"]);
  if (exitCode !== 0) throw new Error(`haproxy-01's show stat failed: ${output}`);
  return Object.fromEntries(parseStats(output).filter((st) => st.backend === "redis").map((st) => [st.server, st.status]));
}

/**
 * The application's writes to Redis through HAProxy's 6379, as a client that does not speak Sentinel makes them:
 * one new connection per write (a PHP request opens its own), so each meets the server HAProxy picks at that moment.
 */
export function redisWrites(name: string, target: RedisProbeOptions["target"], prefix: string): Probe & { close(): void } {
  return redisProbe({
    f: "redis-write",
    name,
    target,
    command: (seq) => ({ args: ["SET", `${prefix}${String(seq)}`, String(seq)], key: `${prefix}${String(seq)}` }),
    classify: "write",
    connection: "per-op",
  });
}

/** The keys with a prefix the application finds through haproxy-01:6379 (the master it serves) once recovered. */
export async function redisKeys(ctx: RunContext, prefix: string): Promise<Set<string>> {
  return new Set(await withRedis(ctx.topology.node("haproxy-01"), REDIS_PORT, (r) => r.keys(`${prefix}*`)));
}

/** Writes through haproxy-01:6379, and the keys the application finds there once recovered. */
export function redisWorkload(ctx: RunContext): Workload {
  const prefix = keyPrefix(ctx, "redis-write");
  // Asked at each op: a reinstalled haproxy-01 is a new container, on a new port.
  const writes = redisWrites("redis-write@haproxy-01:6379", () => {
    const h = ctx.topology.node("haproxy-01");
    return { host: h.getHost(), port: h.getMappedPort(REDIS_PORT) };
  }, prefix);
  return {
    probes: [writes],
    close: () => {
      writes.close();
    },
    finalRead: async () => ({ "redis-write": await redisKeys(ctx, prefix) }),
  };
}
