import type { StartedTestContainer } from "testcontainers";
import { type AppHealth, type AppSites, appHealth } from "./app-sites.js";
import { caddyUpstreams } from "./caddy.js";
import { SITES, type Site } from "./topology.js";

export interface WebFacts {
  /** Each site's GET /health, or why it did not answer. */
  readonly apps: Readonly<Record<Site, AppHealth | { readonly unreachable: string }>>;
  /** Caddy's active-check view of each site (`app-gra:8080` → healthy), or why it did not answer. */
  readonly caddy: Readonly<Record<string, boolean>> | { readonly unreachable: string };
}

const why = (e: unknown) => ({ unreachable: e instanceof Error ? e.message : String(e) });

export async function webFacts(apps: AppSites, caddy: StartedTestContainer): Promise<WebFacts> {
  const [gra, sbg, upstreams] = await Promise.all([
    appHealth(apps.gra).catch(why),
    appHealth(apps.sbg).catch(why),
    caddyUpstreams(caddy).catch(why),
  ]);
  return { apps: { gra, sbg }, caddy: upstreams };
}

/** Steady state: every site answers /health 200 with each dependency up, and Caddy sees both sites healthy. */
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
  if ("unreachable" in f.caddy && typeof f.caddy.unreachable === "string") {
    problems.push(`Caddy metrics did not answer: ${f.caddy.unreachable}`);
  } else {
    for (const site of SITES) {
      const healthy = (f.caddy as Record<string, boolean>)[`app-${site}:8080`];
      if (healthy !== true) problems.push(`Caddy sees app-${site} as ${healthy === false ? "unhealthy" : "unknown"}`);
    }
  }
  return problems;
}
