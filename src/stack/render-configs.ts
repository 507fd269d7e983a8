import { renderCaddyfile } from "../kinds/caddy/node.js";
import { renderHaproxyConfig } from "../kinds/haproxy/node.js";
import { sentinelConf } from "../kinds/redis/sentinel-node.js";
import type { SentinelSettings } from "../kinds/redis/sentinel-node.js";
import { redisNodes } from "../kinds/redis/slice.js";
import { type TopologySpec, hasHaproxy } from "../cluster/topology.js";

/** One config file as a run would copy it into a node. */
export interface RenderedConfig {
  readonly node: string;
  readonly file: string;
  readonly text: string;
}

/**
 * Every config file a spec deploys, rendered from its templates with the spec's timings and a mutant's patches
 * applied, exactly as a run copies them in. A patch whose text is not in its file throws, naming it.
 */
export function renderConfigs(spec: TopologySpec): RenderedConfig[] {
  const out: RenderedConfig[] = [];
  if (hasHaproxy(spec)) out.push({ node: "haproxy", file: "haproxy.cfg", text: renderHaproxyConfig(spec) });
  if (spec.slices.includes("web")) out.push({ node: "caddy", file: "Caddyfile", text: renderCaddyfile(spec) });
  for (const n of redisNodes(spec)) if (n.kind === "sentinel") out.push({ node: n.name, file: "sentinel.conf", text: `${sentinelConf(n.name, n.settings as SentinelSettings)}\n` });
  return out;
}
