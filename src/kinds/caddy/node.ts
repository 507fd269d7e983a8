import { readFileSync } from "node:fs";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { PORTS, hostUrl, nodeContainer } from "../../cluster/containers.js";
import { render } from "../haproxy/node.js";
import { runLabels } from "../../cluster/labels.js";
import { templateFile } from "../../cluster/templates.js";
import { FACTS_QUERY_TIMEOUT_MS, type TopologySpec, applyPatches } from "../../cluster/topology.js";


/** The spec's Caddyfile template with its timings filled in, then any mutant's patches. */
export function renderCaddyfile(spec: TopologySpec): string {
  return applyPatches(render(readFileSync(templateFile("caddy", spec.caddyfile, spec.files.caddyDir), "utf8"), { ...spec.timings.caddy }), spec.patches, "caddy");
}

export async function startCaddy(network: StartedNetwork, spec: TopologySpec): Promise<StartedTestContainer> {
  return nodeContainer("caddy")
    .withLabels(runLabels("caddy"))
    .withNetwork(network)
    .withNetworkAliases("caddy")
    .withCopyContentToContainer([{ content: renderCaddyfile(spec), target: "/etc/caddy/Caddyfile" }])
    .start();
}

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
