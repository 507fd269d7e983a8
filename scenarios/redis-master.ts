import { type ActiveFault, type CheckResult, type Evidence, login, MASTER_NAME, PORTS, type Probe, productRead, type RedisState, redisStateOf, result, type RunContext, seedProducts, sessionNoteKeys, sessionNoteWrite, sessionRead, targets, withRedis, type Workload } from "../src/index.js";
import { roleProbe } from "./packet-loss.js";

/** Two Redis sessions and product reads through Caddy: what a Redis master fault hits, and what must survive it. */
export async function redisMasterWorkload(ctx: RunContext, sessionPrefix: string): Promise<Workload> {
  const t = targets(ctx.topology);
  const keys = await seedProducts(ctx, t.gra, 4);
  const cookies = [await login(ctx, t.caddy, "redis", `${sessionPrefix}1`), await login(ctx, t.caddy, "redis", `${sessionPrefix}2`)];
  return {
    probes: [...cookies.map((c, i) => ({ ...sessionRead(ctx.http, t.caddy, "redis", () => c), name: `session-redis-${String(i)}@caddy` })), productRead(ctx.http, t.caddy, keys)],
  };
}

/** Applies a fault to whichever node the Sentinels call master now (kept as `observed.oldMaster`) and holds it. */
export async function onCurrentMaster(ctx: RunContext, observed: Record<string, unknown>, fault: (role: string) => Promise<ActiveFault>): Promise<readonly ActiveFault[]> {
  const master = (await redisStateOf(ctx.topology)).sentinelMasters[0] ?? "redis-1";
  observed.oldMaster = master;
  const active = await fault(master);
  await ctx.hold(ctx.phases.faultMs);
  return [active];
}

/** The Redis state once the stack recovered, kept for the checks (`observed.redis`). */
export async function observeRedis(ctx: RunContext, observed: Record<string, unknown>): Promise<void> {
  observed.redis = await redisStateOf(ctx.topology);
}

/** After recovery: the Sentinels agree on a new master, and the old one, back, replicates from it. */
export function sentinelOutcome(e: Evidence, back: string): CheckResult[] {
  const old = String(e.observed.oldMaster);
  const now = e.observed.redis as RedisState | undefined;
  const masters = new Set(now?.sentinelMasters ?? []);
  return [
    result("Sentinel promoted the replica", masters.size === 1 && !masters.has(old), `Sentinels report ${[...masters].join(", ") || "nothing"}; the old master was ${old}`),
    result(`the ${back} master rejoined as replica`, now?.nodes[old]?.role === "slave" && now.nodes[old]?.linkUp === true, `${old} is ${now?.nodes[old]?.role ?? "unknown"} (link ${String(now?.nodes[old]?.linkUp)})`),
  ];
}

/** Which master sentinel-1 names, every interval: a history of the Sentinels' view (failovers, flaps). */
export function sentinelMasterProbe(ctx: RunContext): Probe {
  const sentinel = ctx.topology.node("sentinel-1");
  return roleProbe("sentinel-master@sentinel-1", "sentinel-master", async () => {
    const addr = (await withRedis(sentinel, PORTS.sentinel, (r) => r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME))) as string[] | null;
    return addr?.[0] ?? "none";
  });
}

/**
 * Sessions in Redis as users hold them: one session read through Caddy, one session's notes written (through
 * `writeVia`), and the Sentinels' view of the master; the final read is the written session's notes.
 */
export async function sentinelSessionWorkload(ctx: RunContext, name: string, writeVia: "caddy" | "gra"): Promise<Workload> {
  const t = targets(ctx.topology);
  const [reader, writer] = [await login(ctx, t.caddy, "redis", `${name}-r`), await login(ctx, t.caddy, "redis", `${name}-w`)];
  return {
    probes: [{ ...sessionRead(ctx.http, t.caddy, "redis", () => reader), name: "session-redis@caddy" }, sessionNoteWrite(ctx.http, t[writeVia], () => writer, `${ctx.tag}-n`), sentinelMasterProbe(ctx)],
    finalRead: async () => ({ "session-note-write": await sessionNoteKeys(ctx.http, t.caddy, writer) }),
  };
}
