import { readFileSync } from "node:fs";
import type { StartedTestContainer } from "testcontainers";
import { UserError } from "../../errors.js";
import type { NodeKind } from "../../nodes/kind.js";
import { caddyRoute, routeProblems } from "./facts.js";
import { readCaddyView } from "./mechanism.js";
import { PORTS, hostUrl, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { render, templateFile } from "../../cluster/templates.js";
import { FACTS_QUERY_TIMEOUT_MS, type TopologySpec, applyPatches } from "../../cluster/topology.js";


/** The spec's Caddyfile template with its timings filled in, then any mutant's patches. */
export function renderCaddyfile(spec: TopologySpec): string {
  return applyPatches(render(readFileSync(templateFile("caddy", spec.caddyfile, spec.files.caddyDir), "utf8"), { ...spec.timings.caddy }), spec.patches, "caddy");
}

export interface CaddySettings {
  /** The Caddyfile it runs, rendered (the template, the timings, a mutant's patches). */
  readonly caddyfile: string;
  /** The site `lb_policy first` sends to while it is healthy: in steady state, /health through Caddy answers from it. */
  readonly first: string;
}

/**
 * Caddy (Debian's package) in front of the app sites: its Caddyfile given whole. verify() asks /health through it
 * and expects the answer from its first site; its loaded config is read back from its admin API.
 */
export const CADDY: NodeKind<CaddySettings> = {
  name: "caddy",
  summary: "Caddy in front of the app sites (its Caddyfile rendered from the spec); verify() expects /health from its first site",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<CaddySettings>;
    if (typeof s.caddyfile !== "string" || typeof s.first !== "string") throw new UserError(`node '${node.name}' (caddy): settings are { caddyfile, first } (the Caddyfile's text, the site it sends to first)`);
    return { caddyfile: s.caddyfile, first: s.first };
  },
  ports: () => [PORTS.caddyHttp, PORTS.caddyAdmin],
  container(node, s, image) {
    return nodeContainer("caddy", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withCopyContentToContainer([{ content: s.caddyfile, target: "/etc/caddy/Caddyfile" }]);
  },
  async problems(node, s) {
    const port = node.address.ports[PORTS.caddyHttp];
    return routeProblems(await caddyRoute(`http://${node.address.host}:${String(port)}`), s.first);
  },
  readBack: (node) => readCaddyView(`http://${node.address.host}:${String(node.address.ports[PORTS.caddyAdmin])}`),
};

export function caddyUrl(container: StartedTestContainer): string {
  return hostUrl(container, PORTS.caddyHttp);
}

/**
 * Caddy's view of each upstream from its metrics (`caddy_reverse_proxy_upstreams_healthy`): its admin API shows
 * no active health state; the metric does, but Caddy 2.6 refreshes it only every few seconds (informational).
 */
export function parseUpstreamHealth(metrics: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of metrics.matchAll(/^caddy_reverse_proxy_upstreams_healthy\{upstream="([^"]+)"\} (\d+)/gm)) {
    out[m[1] ?? ""] = m[2] === "1";
  }
  return out;
}

export async function caddyUpstreams(container: StartedTestContainer, timeoutMs = FACTS_QUERY_TIMEOUT_MS): Promise<Record<string, boolean>> {
  const res = await fetch(`${hostUrl(container, PORTS.caddyAdmin)}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  return parseUpstreamHealth(await res.text());
}
