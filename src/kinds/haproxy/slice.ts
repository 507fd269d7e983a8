import { type TopologySpec, hasHaproxy } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import { type HaproxySettings, frontendsOf, renderHaproxyConfig } from "./node.js";
import { HAPROXY_STEADY } from "./steady.js";

/** The spec's HAProxy (with the postgres, mysql or web slice): its config rendered from the slices' templates. */
export function haproxyNodes(spec: TopologySpec) {
  if (!hasHaproxy(spec)) return [];
  const settings: HaproxySettings = { config: renderHaproxyConfig(spec), frontends: frontendsOf(spec), steady: HAPROXY_STEADY };
  return [{ name: "haproxy", kind: "haproxy", settings }];
}

registerSpecNodes("haproxy", haproxyNodes);
