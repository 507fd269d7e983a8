import { SITES, type TopologySpec } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import { renderCaddyfile } from "../caddy/node.js";
import type { CaddySettings } from "../caddy/node.js";
import { stackAppRole } from "./image.js";
import type { AppSiteSettings } from "./node.js";
import { appEnvironment, stackAppEnvironment } from "./sites.js";

/**
 * The web slice as nodes: one app site per site (`app-gra`, `app-sbg`), each reaching its dependencies through its
 * own Toxiproxy links, and Caddy in front of them, sending to gra first. Their settings are made from the spec
 * (timings, policies, a stack's own app, a mutant's patches), so a mutant changes them as it changes any other.
 */
export function webNodes(spec: TopologySpec) {
  const image = spec.appImage ? stackAppRole(spec.appImage) : undefined;
  const sites = SITES.map((site) => {
    const settings: AppSiteSettings = { site, environment: spec.appImage ? stackAppEnvironment(spec, spec.appImage, site) : appEnvironment(spec, site), ...(image ? { image } : {}) };
    return { name: `app-${site}`, kind: "app", settings };
  });
  const caddy: CaddySettings = { caddyfile: renderCaddyfile(spec), first: SITES[0] };
  return [...sites, { name: "caddy", kind: "caddy", settings: caddy }];
}

registerSpecNodes("web", (spec) => (spec.slices.includes("web") ? webNodes(spec) : []));
