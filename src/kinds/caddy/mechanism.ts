import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { durationMs, obj } from "../../nodes/read.js";

export interface CaddyView {
  readonly policy: string | null;
  readonly upstreams: readonly string[];
  readonly healthUri: string | null;
  readonly healthIntervalMs: number | null;
  readonly healthTimeoutMs: number | null;
  readonly failDurationMs: number | null;
  readonly maxFails: number | null;
  readonly tryDurationMs: number | null;
  readonly dialTimeoutMs: number | null;
}

/** The first reverse_proxy handler anywhere in Caddy's JSON config. */
function findReverseProxy(node: unknown): Record<string, unknown> | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const found = findReverseProxy(n);
      if (found) return found;
    }
    return null;
  }
  if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.handler === "reverse_proxy") return o;
    for (const v of Object.values(o)) {
      const found = findReverseProxy(v);
      if (found) return found;
    }
  }
  return null;
}

/** What Caddy's loaded config says about failover: policy, active and passive health, retries, dial timeout. */
export function caddyView(config: unknown): CaddyView {
  const rp = findReverseProxy(config) ?? {};
  const health = obj(rp.health_checks);
  const active = obj(health?.active);
  const passive = obj(health?.passive);
  const lb = obj(rp.load_balancing);
  const transport = obj(rp.transport);
  const upstreams = Array.isArray(rp.upstreams) ? rp.upstreams.map((u) => {
        const dial = obj(u)?.dial;
        return typeof dial === "string" ? dial : "";
      }) : [];
  return {
    policy: typeof obj(lb?.selection_policy)?.policy === "string" ? String(obj(lb?.selection_policy)?.policy) : null,
    upstreams,
    healthUri: typeof active?.uri === "string" ? active.uri : typeof active?.path === "string" ? active.path : null,
    healthIntervalMs: durationMs(active?.interval),
    healthTimeoutMs: durationMs(active?.timeout),
    failDurationMs: durationMs(passive?.fail_duration),
    maxFails: typeof passive?.max_fails === "number" ? passive.max_fails : null,
    tryDurationMs: durationMs(lb?.try_duration),
    dialTimeoutMs: durationMs(transport?.dial_timeout),
  };
}


/** Caddy's loaded config, read from its admin API (its URL on the host). */
export async function readCaddyView(adminUrl: string): Promise<CaddyView> {
  const r = await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS) });
  return caddyView(await r.json());
}
