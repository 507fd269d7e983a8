import { amqpPublisher, bound, type Bound, measurement, type Probe, type RunContext, type SqlTarget, type Term, type TopologySpec, until } from "brownout";
import { QUEUE, rabbitOf } from "./queue.js";
import { redisWrites } from "./redis.js";
import { itemInserts, keyPrefix, patroniOf } from "./stack.js";

export const PAIR = ["haproxy-01", "haproxy-02"] as const;
/** The compose profile of haproxy-02 (and so of the virtual IP's failover). */
export const PAIR_PROFILE = "pair";

/** A node's keepalived settings, from the environment its entrypoint reads. */
export function vrrpOf(spec: TopologySpec, node: (typeof PAIR)[number]): { priority: number; advertMs: number } {
  const env = (spec.nodes.find((n) => n.name === node)?.settings as { environment?: Record<string, string> } | undefined)?.environment ?? {};
  const priority = Number(env.VRRP_PRIORITY);
  const advertS = Number(env.VRRP_ADVERT_INT ?? "1");
  if (!Number.isInteger(priority) || !(advertS > 0)) throw new Error(`${node}: VRRP_PRIORITY and VRRP_ADVERT_INT must be set (${JSON.stringify(env)})`);
  return { priority, advertMs: advertS * 1000 };
}

/**
 * How long a VRRP backup waits before it takes the address (RFC 5798's Master_Down_Interval): three advert
 * intervals without an advert it may not discard, plus its skew ((256 - priority) / 256 of an interval). A backup
 * of a higher priority discards a lower one's adverts, so it too takes the address back only at this interval's
 * end: keepalived's preemption is not immediate.
 */
export function masterDownTerms(spec: TopologySpec, node: (typeof PAIR)[number]): Term[] {
  const v = vrrpOf(spec, node);
  return [[`${node}'s advert_int`, v.advertMs, "missed adverts", 3], [`${node}'s skew ((256 - priority) / 256 of advert_int)`, Math.ceil(((256 - v.priority) * v.advertMs) / 256)]];
}

/**
 * From haproxy-01's death to the virtual IP answering on haproxy-02: its master-down interval, then it adds the
 * address and announces it (gratuitous ARP); its HAProxy has been checking all along, so it serves at once.
 */
export function takeoverBound(spec: TopologySpec): Bound {
  return bound(...masterDownTerms(spec, "haproxy-02"), ...measurement(spec));
}

/** The virtual IP (the run network's last host address), as haproxy-01's entrypoint worked it out. */
export async function virtualIp(ctx: RunContext): Promise<string> {
  const { output, exitCode } = await ctx.topology.node("haproxy-01").exec(["cat", "/run/keepalived-vip"]);
  const vip = output.trim();
  if (exitCode !== 0 || !/^\d+\.\d+\.\d+\.\d+$/.test(vip)) throw new Error(`haproxy-01 has no virtual IP: ${output}`);
  return vip;
}

/** Which node of the pair has the virtual IP on its interface now ("none" if neither). */
export async function vipHolder(ctx: RunContext, vip: string): Promise<string> {
  for (const n of PAIR) {
    if (!ctx.topology.runs(n)) continue;
    const held = await ctx.topology.node(n).exec(["ip", "-o", "-4", "addr", "show", "dev", "eth0"]).then(
      (r) => r.output.includes(` ${vip}/`),
      () => false,
    );
    if (held) return n;
  }
  return "none";
}

/** Waits (bounded by the VRRP takeover) until a node of the pair holds the address: keepalived starts as backup. */
export async function heldBy(ctx: RunContext, vip: string): Promise<string> {
  return until("a node of the HAProxy pair holds the virtual IP", takeoverBound(ctx.topology.spec).ms, async () => {
    const h = await vipHolder(ctx, vip);
    return h === "none" ? undefined : h;
  });
}

/** The application's database target through the virtual IP (the container port: the host reaches the run network). */
export function throughVip(spec: TopologySpec, vip: string, port: number): SqlTarget {
  return { engine: "postgres", host: vip, port, ...patroniOf(spec).app };
}

/**
 * Writes through the virtual IP, a connection per write: items to 5432, items through PgBouncer to 6432, Redis keys
 * to 6379, persistent messages to the queue on 5672 (publisher confirms).
 */
export function vipProbes(ctx: RunContext, vip: string): (Probe & { close?(): void })[] {
  const spec = ctx.topology.spec;
  const admin = rabbitOf(spec).admin;
  const enqueuePrefix = keyPrefix(ctx, "enqueue");
  return [
    itemInserts("item-write", "item-write@vip:5432", throughVip(spec, vip, 5432), keyPrefix(ctx, "item-write")),
    itemInserts("pool-write", "pool-write@vip:6432", throughVip(spec, vip, 6432), keyPrefix(ctx, "pool-write")),
    redisWrites("redis-write@vip:6379", { host: vip, port: 6379 }, keyPrefix(ctx, "redis-write")),
    amqpPublisher({ f: "enqueue", name: "enqueue@vip:5672", target: { host: vip, port: 5672, user: admin.user, password: admin.password }, queue: QUEUE, declare: "passive", key: (seq) => `${enqueuePrefix}${String(seq)}`, connection: "per-op" }),
  ];
}
