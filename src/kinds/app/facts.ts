import type { StartedTestContainer } from "testcontainers";
import { type AppHealth, type AppSites, appHealth } from "./sites.js";
import { caddyUpstreams, caddyUrl } from "../caddy/node.js";
import { getHealth } from "../../cluster/containers.js";
import { SITES, type Site } from "../../cluster/topology.js";

/** Which site Caddy sent a /health request to, and what it answered. */
export interface CaddyRoute {
  readonly status: number;
  readonly site: string | null;
}

export interface WebFacts {
  /** Each site's GET /health, or why it did not answer. */
  readonly apps: Readonly<Record<Site, AppHealth | { readonly unreachable: string }>>;
  /**
   * GET /health through Caddy. With `lb_policy first`, an answer from gra means Caddy holds gra healthy: this is
   * read from Caddy's behaviour, because its health metric is refreshed only every few seconds.
   */
  readonly caddy: CaddyRoute | { readonly unreachable: string };
  /** Caddy's `caddy_reverse_proxy_upstreams_healthy` metric (informational: it lags the active checks). */
  readonly caddyMetric: Readonly<Record<string, boolean>> | { readonly unreachable: string };
}

const why = (e: unknown) => ({ unreachable: e instanceof Error ? e.message : String(e) });

async function caddyRoute(caddy: StartedTestContainer): Promise<CaddyRoute> {
  const { status, body } = await getHealth(caddyUrl(caddy));
  return { status, site: (body as { site?: string } | null)?.site ?? null };
}

export async function webFacts(apps: AppSites, caddy: StartedTestContainer): Promise<WebFacts> {
  const [gra, sbg, route, metric] = await Promise.all([
    appHealth(apps.gra).catch(why),
    appHealth(apps.sbg).catch(why),
    caddyRoute(caddy).catch(why),
    caddyUpstreams(caddy).catch(why),
  ]);
  return { apps: { gra, sbg }, caddy: route, caddyMetric: metric };
}

/** Steady state: every site answers /health 200 with each dependency up, and Caddy routes to gra, its first. */
export function webProblems(f: WebFacts): string[] {
  const problems: string[] = [];
  for (const site of SITES) {
    const h = f.apps[site];
    if ("unreachable" in h) {
      problems.push(`app-${site} /health did not answer: ${h.unreachable}`);
      continue;
    }
    if (h.status !== 200) problems.push(`app-${site} /health is ${String(h.status)}`);
    for (const [dep, d] of Object.entries(h.body?.dependencies ?? {})) {
      if (d.state !== "up") problems.push(`app-${site} cannot reach ${dep}: ${d.error ?? d.state}`);
    }
  }
  if ("unreachable" in f.caddy) problems.push(`Caddy did not answer: ${f.caddy.unreachable}`);
  else if (f.caddy.status !== 200 || f.caddy.site !== SITES[0]) {
    problems.push(`Caddy answers /health with ${String(f.caddy.status)} from ${f.caddy.site ?? "no site"}, expected 200 from ${SITES[0]}`);
  }
  return problems;
}
