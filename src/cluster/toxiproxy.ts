import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { Toxiproxy } from "toxiproxy-node-client";
import { UserError } from "../cli/errors.js";
import { type ActiveFault, activeFault } from "../faults/fault.js";
import { PORTS, nodeContainer } from "./containers.js";
import { runLabels } from "./labels.js";

/** The links faults can cut: one Toxiproxy proxy each, declared here and nowhere else. */
export const LINKS = {
  "pg-replication": { listenPort: 15432, upstream: "pg-primary:5432", summary: "pg-replica streams WAL from pg-primary" },
} as const;
export type LinkName = keyof typeof LINKS;

export type ToxicStream = "upstream" | "downstream";

/** Toxiproxy's toxics with their units in the names; `down` disables the proxy (connections refused). */
export type ToxicSpec =
  | { readonly type: "latency"; readonly latencyMs: number; readonly jitterMs?: number; readonly stream?: ToxicStream }
  | { readonly type: "timeout"; readonly timeoutMs: number; readonly stream?: ToxicStream }
  | { readonly type: "reset_peer"; readonly timeoutMs: number; readonly stream?: ToxicStream }
  | { readonly type: "bandwidth"; readonly rateKBps: number; readonly stream?: ToxicStream }
  | { readonly type: "slow_close"; readonly delayMs: number; readonly stream?: ToxicStream }
  | { readonly type: "limit_data"; readonly bytes: number; readonly stream?: ToxicStream }
  | { readonly type: "down" };

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

export class ToxiproxyNode {
  readonly container: StartedTestContainer;
  readonly client: Toxiproxy;
  #serial = 0;

  constructor(container: StartedTestContainer) {
    this.container = container;
    this.client = new Toxiproxy(`http://${container.getHost()}:${container.getMappedPort(PORTS.toxiproxyApi)}`);
  }

  /** Where a node on the run network connects to go through the link. */
  address(link: LinkName): { host: string; port: number } {
    return { host: "toxiproxy", port: LINKS[link].listenPort };
  }

  async createLinks(links: readonly LinkName[]): Promise<void> {
    for (const name of links) {
      await this.client.createProxy({ name, listen: `0.0.0.0:${LINKS[name].listenPort}`, upstream: LINKS[name].upstream });
    }
  }

  /** Applies a toxic to a link until healed (removed, or the proxy re-enabled for `down`). */
  async toxic(linkName: string, toxicSpec: { type: string } & Record<string, unknown>): Promise<ActiveFault> {
    const link = assertLink(linkName);
    const spec = assertToxic(toxicSpec);
    const proxy = await this.client.get(link);
    if (spec.type === "down") {
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      return activeFault(`down ${link}`, async () => {
        await (await this.client.get(link)).update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      });
    }
    const name = `${spec.type}-${++this.#serial}`;
    const toxic = await proxy.addToxic({ name, type: spec.type, stream: spec.stream ?? "downstream", toxicity: 1, attributes: attributes(spec) });
    return activeFault(`${spec.type} on ${link}`, () => toxic.remove());
  }
}

export async function startToxiproxy(network: StartedNetwork, links: readonly LinkName[]): Promise<ToxiproxyNode> {
  const container = await nodeContainer("toxiproxy")
    .withLabels(runLabels("toxiproxy"))
    .withNetwork(network)
    .withNetworkAliases("toxiproxy")
    .start();
  const node = new ToxiproxyNode(container);
  await node.createLinks(links);
  return node;
}
