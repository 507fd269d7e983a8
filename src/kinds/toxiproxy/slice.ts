import type { TopologySpec } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import { LINKS, LINK_GROUPS, linksOf } from "./links.js";
import type { ToxiproxySettings } from "./node.js";

/**
 * Every topology's Toxiproxy, with the links its slices need (pg-replication with the postgres slice, each site's
 * link to each dependency with the web slice), and the groups of them that are all there.
 */
export function toxiproxyNodes(spec: TopologySpec) {
  const names = linksOf(spec);
  const links = Object.fromEntries(names.map((n) => [n, { listenPort: LINKS[n].listenPort, upstream: LINKS[n].upstream }]));
  const groups = Object.fromEntries(Object.entries(LINK_GROUPS).filter(([, ls]) => ls.every((l) => names.includes(l))));
  const settings: ToxiproxySettings = { links, groups };
  return [{ name: "toxiproxy", kind: "toxiproxy", settings }];
}

registerSpecNodes("toxiproxy", toxiproxyNodes);
