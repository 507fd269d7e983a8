import { readFileSync } from "node:fs";
import { UserError } from "../../errors.js";
import type { NodeKind } from "../../nodes/kind.js";
import { caddyRoute, routeProblems } from "./facts.js";
import { readCaddyView } from "./mechanism.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { render, templateFile } from "../../cluster/templates.js";
import { type TopologySpec, applyPatches } from "../../cluster/topology.js";
import { catalogImage } from "../../images/catalog-image.js";


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
  prepare: () => catalogImage("caddy"),
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
