import type { StartedTestContainer } from "testcontainers";
import { Toxiproxy } from "toxiproxy-node-client";
import { UserError } from "../../errors.js";
import { type ActiveFault, activeFault } from "../../cluster/fault-handle.js";
import { PORTS } from "../../cluster/containers.js";
import { SITES, type Site, type Slice, type TopologySpec } from "../../cluster/topology.js";

export interface Link {
  readonly listenPort: number;
  readonly upstream: string;
  readonly summary: string;
  /** The slice whose servers the link reaches: a link exists only when its slice runs. */
  readonly slice: Slice;
}

/** Where each app site reaches each dependency; one Toxiproxy link per site and dependency. */
const APP_UPSTREAMS = {
  "redis-1": { upstream: "redis-1:6379", slice: "redis" },
  "redis-2": { upstream: "redis-2:6379", slice: "redis" },
  "pg-write": { upstream: "haproxy:5432", slice: "postgres" },
  "pg-read": { upstream: "haproxy:5433", slice: "postgres" },
  mysql: { upstream: "haproxy:3306", slice: "mysql" },
} as const satisfies Record<string, { upstream: string; slice: Slice }>;
export type AppDependency = keyof typeof APP_UPSTREAMS;
/** Every dependency an app site reaches through a link of its own. */
export const APP_DEPENDENCIES = Object.keys(APP_UPSTREAMS) as AppDependency[];
export type AppLinkName = `app-${Site}-${AppDependency}`;
export type LinkName = "pg-replication" | AppLinkName;

export const appLink = (site: Site, dep: AppDependency): AppLinkName => `app-${site}-${dep}`;

function declareLinks(): Record<LinkName, Link> {
  const links: Partial<Record<LinkName, Link>> = {
    "pg-replication": { listenPort: 15432, upstream: "pg-primary:5432", summary: "pg-replica streams WAL from pg-primary", slice: "postgres" },
  };
  SITES.forEach((site, s) => {
    Object.entries(APP_UPSTREAMS).forEach(([dep, { upstream, slice }], d) => {
      links[appLink(site, dep as AppDependency)] = { listenPort: 16000 + 10 * s + d, upstream, summary: `app-${site} reaches ${dep}`, slice };
    });
  });
  return links as Record<LinkName, Link>;
}

/** The links faults can cut: one Toxiproxy proxy each, declared here and nowhere else. */
export const LINKS: Readonly<Record<LinkName, Link>> = declareLinks();

/**
 * Names for several links cut together: `app-<site>-redis` is both Redis nodes as that site sees them (Sentinel
 * may send it to either), `app-redis` is every site's Redis, `app-<site>-deps` is every dependency of one site
 * (the site still answers, it cannot serve).
 */
export const LINK_GROUPS: Readonly<Record<string, readonly LinkName[]>> = {
  ...Object.fromEntries(SITES.map((site) => [`app-${site}-redis`, [appLink(site, "redis-1"), appLink(site, "redis-2")]])),
  ...Object.fromEntries(SITES.map((site) => [`app-${site}-deps`, APP_DEPENDENCIES.map((d) => appLink(site, d))])),
  "app-redis": SITES.flatMap((site) => [appLink(site, "redis-1"), appLink(site, "redis-2")]),
};

/** The links a topology has: those whose slice runs, and the app's only when the web slice runs too. */
export function linksOf(spec: TopologySpec): LinkName[] {
  return (Object.entries(LINKS) as [LinkName, Link][])
    .filter(([name, link]) => spec.slices.includes(link.slice) && (!name.startsWith("app-") || spec.slices.includes("web")))
    .map(([name]) => name);
}

import type { ToxicSpec, ToxicStream } from "../../faults/spec.js";

export type { ToxicSpec, ToxicStream };

export const TOXIC_TYPES = ["latency", "timeout", "reset_peer", "bandwidth", "slow_close", "limit_data", "down"] as const;

function attributes(spec: Exclude<ToxicSpec, { type: "down" }>): Record<string, number> {
  switch (spec.type) {
    case "latency":
      return { latency: spec.latencyMs, jitter: spec.jitterMs ?? 0 };
    case "timeout":
      return { timeout: spec.timeoutMs };
    case "reset_peer":
      return { timeout: spec.timeoutMs };
    case "bandwidth":
      return { rate: spec.rateKBps };
    case "slow_close":
      return { delay: spec.delayMs };
    case "limit_data":
      return { bytes: spec.bytes };
  }
}

export function assertLink(name: string): LinkName {
  if (!Object.hasOwn(LINKS, name)) throw new UserError(`unknown link '${name}'; links are: ${Object.keys(LINKS).join(", ")}`);
  return name as LinkName;
}

export function assertToxic(spec: { type: string }): ToxicSpec {
  if (!(TOXIC_TYPES as readonly string[]).includes(spec.type)) {
    throw new UserError(`unknown toxic type '${spec.type}'; types are: ${TOXIC_TYPES.join(", ")}`);
  }
  return spec as ToxicSpec;
}

/**
 * Where a node on the run network connects to go through a link: fixed by the link list, so a node can be told
 * before Toxiproxy runs (it retries until the link answers, as it would for the server itself).
 */
export function linkAddress(link: LinkName): { host: string; port: number } {
  return { host: "toxiproxy", port: LINKS[link].listenPort };
}

/** Toxiproxy's toxic names must be unique on a proxy: one counter for the process. */
let serial = 0;

/** The links a running Toxiproxy has, and the toxics it takes, through its HTTP API. */
export class ToxiproxyNode {
  readonly container: StartedTestContainer;
  readonly client: Toxiproxy;
  readonly #links: ReadonlySet<string>;
  readonly #groups: Readonly<Record<string, readonly string[]>>;

  constructor(container: StartedTestContainer, links: Iterable<string>, groups: Readonly<Record<string, readonly string[]>> = {}) {
    this.container = container;
    this.client = new Toxiproxy(`http://${container.getHost()}:${String(container.getMappedPort(PORTS.toxiproxyApi))}`);
    this.#links = new Set(links);
    this.#groups = groups;
  }

  /** Applies a toxic to a link, or to each link of a group, until healed; an unknown name lists both. */
  async toxic(linkName: string, toxicSpec: { type: string } & Record<string, unknown>): Promise<ActiveFault> {
    const spec = assertToxic(toxicSpec);
    const links = this.#groups[linkName] ?? (this.#links.has(linkName) ? [linkName] : undefined);
    if (!links) throw new UserError(`link '${linkName}' is not in this topology; its links are: ${[...this.#links].join(", ")}${Object.keys(this.#groups).length ? `; groups are: ${Object.keys(this.#groups).join(", ")}` : ""}`);
    if (links.length === 1) return this.#toxicOne(links[0] ?? linkName, spec);
    const faults: ActiveFault[] = [];
    try {
      for (const link of links) faults.push(await this.#toxicOne(link, spec));
    } catch (e) {
      for (const f of faults) await f.heal();
      throw e;
    }
    return activeFault(`${spec.type} on ${linkName}`, async () => {
      for (const f of faults) await f.heal();
    });
  }

  /** Applies a toxic to one link until healed (removed, or the proxy re-enabled for `down`). */
  async #toxicOne(link: string, spec: ToxicSpec): Promise<ActiveFault> {
    const proxy = await this.client.get(link);
    if (spec.type === "down") {
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      return activeFault(`down ${link}`, async () => {
        await (await this.client.get(link)).update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      });
    }
    const name = `${spec.type}-${String(++serial)}`;
    const toxic = await proxy.addToxic({ name, type: spec.type, stream: spec.stream ?? "downstream", toxicity: 1, attributes: attributes(spec) });
    return activeFault(`${spec.type} on ${link}`, () => toxic.remove());
  }
}
