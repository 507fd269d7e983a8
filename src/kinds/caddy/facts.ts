import { getHealth } from "../../cluster/containers.js";

/** Which site Caddy sent a /health request to, and what it answered, or why it did not answer. */
export type CaddyRoute = { readonly status: number; readonly site: string | null } | { readonly unreachable: string };

/**
 * GET /health through Caddy. With `lb_policy first`, an answer from the first site means Caddy holds it healthy:
 * read from Caddy's behaviour, because its health metric is refreshed only every few seconds.
 */
export async function caddyRoute(url: string): Promise<CaddyRoute> {
  try {
    const { status, body } = await getHealth(url);
    return { status, site: (body as { site?: string } | null)?.site ?? null };
  } catch (e) {
    return { unreachable: e instanceof Error ? e.message : String(e) };
  }
}

/** Steady state: Caddy answers /health with 200 from its first site. */
export function routeProblems(r: CaddyRoute, first: string): string[] {
  if ("unreachable" in r) return [`Caddy did not answer: ${r.unreachable}`];
  return r.status === 200 && r.site === first ? [] : [`Caddy answers /health with ${String(r.status)} from ${r.site ?? "no site"}, expected 200 from ${first}`];
}
