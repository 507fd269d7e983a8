import { type ActiveFault, type CheckResult, type Evidence, login, productRead, result, type RunContext, seedProducts, sessionRead, targets, type Workload } from "../src/index.js";

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
  const { facts } = await ctx.topology.facts();
  const master = facts.redis?.sentinelMasters[0] ?? "redis-1";
  observed.oldMaster = master;
  const active = await fault(master);
  await ctx.hold(ctx.phases.faultMs);
  return [active];
}

/** After recovery: the Sentinels agree on a new master, and the old one, back, replicates from it. */
export function sentinelOutcome(e: Evidence, back: string): CheckResult[] {
  const old = String(e.observed.oldMaster);
  const now = e.facts.redis;
  const masters = new Set(now?.sentinelMasters ?? []);
  return [
    result("Sentinel promoted the replica", masters.size === 1 && !masters.has(old), `Sentinels report ${[...masters].join(", ") || "nothing"}; the old master was ${old}`),
    result(`the ${back} master rejoined as replica`, now?.nodes[old]?.role === "slave" && now.nodes[old]?.linkUp === true, `${old} is ${now?.nodes[old]?.role ?? "unknown"} (link ${String(now?.nodes[old]?.linkUp)})`),
  ];
}
