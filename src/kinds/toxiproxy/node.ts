import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import type { NodeKind, Relayed } from "../../nodes/kind.js";
import { ToxiproxyNode } from "./links.js";
import { catalogImage } from "../../images/catalog-image.js";

/** One link: where Toxiproxy listens on the run network, and the server it forwards to. */
export interface LinkSettings {
  readonly listenPort: number;
  readonly upstream: string;
}

export interface ToxiproxySettings {
  /** Its links by name (`pg-replication`, `app-gra-redis-1`): one proxy each, made when it starts. */
  readonly links: Readonly<Record<string, LinkSettings>>;
  /** Names for several of its links cut together (`app-redis`). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

const CONFIG_PATH = "/etc/toxiproxy/links.json";

/**
 * Toxiproxy (built from its Go sources) with a stack's links, made at its start from a config file: a node reaches
 * another through `toxiproxy:<listenPort>`, and a fault (`toxic`) degrades or cuts that path alone. A partition
 * between two nodes cuts the links from one to the other too (the door's `relays`). verify() wants every link there
 * and enabled.
 */
export const TOXIPROXY: NodeKind<ToxiproxySettings> = {
  name: "toxiproxy",
  summary: "Toxiproxy with a stack's links (one proxy per path a fault may degrade or cut); verify() wants every link enabled",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<ToxiproxySettings>;
    const links = s.links ?? {};
    const bad = Object.entries(links).filter(([, l]) => !Number.isInteger(l.listenPort) || !/^[a-z0-9.-]+:\d+$/.test(l.upstream));
    if (typeof links !== "object" || bad.length > 0) throw new UserError(`node '${node.name}' (toxiproxy): links are { name: { listenPort, upstream: "host:port" } }${bad.length ? `, not ${bad.map(([n]) => n).join(", ")}` : ""}`);
    const groups = s.groups ?? {};
    const unknown = Object.values(groups).flat().filter((l) => !Object.hasOwn(links, l));
    if (unknown.length > 0) throw new UserError(`node '${node.name}' (toxiproxy): groups name links it does not have: ${[...new Set(unknown)].join(", ")}`);
    return { links, groups };
  },
  prepare: () => catalogImage("toxiproxy"),
  ports: () => [PORTS.toxiproxyApi],
  container(node, s, image) {
    const proxies = Object.entries(s.links).map(([name, l]) => ({ name, listen: `0.0.0.0:${String(l.listenPort)}`, upstream: l.upstream, enabled: true }));
    return (
      nodeContainer("toxiproxy", image ? { image } : {})
        .withLabels(runLabels(node.name))
        // Toxiproxy logs every chunk it forwards at debug and trace level: megabytes for one Postgres clone, and CPU
        // taken from the servers. Info keeps what a report needs: proxies, toxics, clients accepted and lost.
        .withEnvironment({ LOG_LEVEL: "info" })
        .withCopyContentToContainer([{ content: JSON.stringify(proxies), target: CONFIG_PATH }])
        .withCommand(["-host=0.0.0.0", `-port=${String(PORTS.toxiproxyApi)}`, `-config=${CONFIG_PATH}`])
    );
  },
  relays: (s): Relayed => ({ links: Object.entries(s.links).map(([name, l]) => ({ name, listenPort: l.listenPort, upstream: l.upstream })), groups: s.groups }),
  operations: {
    /** A toxic on a link or a group of its links (`{ link, toxic }`), until healed. */
    async toxic(node, s, args) {
      const link = args.link;
      const toxic = args.toxic as ({ type: string } & Record<string, unknown>) | undefined;
      if (typeof link !== "string" || !toxic || typeof toxic.type !== "string") throw new UserError(`toxic on ${node.name}: arguments are { link, toxic: { type, ... } }`);
      return new ToxiproxyNode(node.container, Object.keys(s.links), s.groups).toxic(link, toxic);
    },
  },
  async problems(node, s) {
    try {
      const r = await fetch(`http://${node.address.host}:${String(node.address.ports[PORTS.toxiproxyApi])}/proxies`, { signal: AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS) });
      const proxies = (await r.json()) as Record<string, { enabled?: boolean }>;
      return Object.keys(s.links).flatMap((l) => (proxies[l] === undefined ? [`${node.name} has no link ${l}`] : proxies[l].enabled === false ? [`${node.name}'s link ${l} is disabled`] : []));
    } catch (e) {
      return [`${node.name}'s API did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
};
