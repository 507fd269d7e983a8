import { fixture } from "../../paths.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import type { NodeAddress } from "../../nodes/kind.js";
import { kindOnGeneric } from "../../nodes/on-generic.js";

export interface EtcdSettings {
  /** Every member of the cluster by node name, this one among them: the initial cluster. */
  readonly members: readonly string[];
  /** The cluster's token: two clusters of one run never join each other. */
  readonly token: string;
}

export const ETCD_CLIENT_PORT = 2379;
const PEER_PORT = 2380;

/**
 * An etcd member (Debian's etcd-server): the DCS Patroni keeps its leader key in. Its start waits for its client
 * port; verify() asks its /health, which is true only while the cluster has a leader (quorum).
 */
export const ETCD = kindOnGeneric<EtcdSettings>({
  name: "etcd",
  summary: "an etcd member (Debian's etcd-server), the DCS of a Patroni cluster; verify() asks its /health (quorum)",
  ownKeys: ["members", "token"],
  own(raw, node) {
    const members = raw.members;
    if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === "string")) throw new UserError(`node '${node}' (etcd): members must list the cluster's node names`);
    if (!members.includes(node)) throw new UserError(`node '${node}' (etcd): members must include the node itself (${members.join(", ")})`);
    return { members, token: typeof raw.token === "string" ? raw.token : "brownout-etcd" };
  },
  generic: (raw, own, node) => ({
    build: { context: fixture("kinds", "etcd") },
    ...raw,
    ports: [ETCD_CLIENT_PORT, PEER_PORT],
    environment: {
      ETCD_NAME: node.name,
      ETCD_DATA_DIR: "/var/lib/etcd/data",
      ETCD_INITIAL_CLUSTER: own.members.map((m) => `${m}=http://${m}:${String(PEER_PORT)}`).join(","),
      ETCD_INITIAL_CLUSTER_STATE: "new",
      ETCD_INITIAL_CLUSTER_TOKEN: own.token,
      ETCD_LISTEN_PEER_URLS: `http://0.0.0.0:${String(PEER_PORT)}`,
      ETCD_LISTEN_CLIENT_URLS: `http://0.0.0.0:${String(ETCD_CLIENT_PORT)}`,
      ETCD_ADVERTISE_CLIENT_URLS: `http://${node.name}:${String(ETCD_CLIENT_PORT)}`,
      ETCD_INITIAL_ADVERTISE_PEER_URLS: `http://${node.name}:${String(PEER_PORT)}`,
      ...(raw.environment as Record<string, string> | undefined),
    },
    // Members start together and each waits for the others: the start waits for the port, not for quorum.
    health: { tcp: ETCD_CLIENT_PORT },
  }),
  async problems(node: { readonly name: string; readonly address: NodeAddress }) {
    const port = node.address.ports[ETCD_CLIENT_PORT] ?? ETCD_CLIENT_PORT;
    try {
      const r = await fetch(`http://${node.address.host}:${String(port)}/health`, { signal: AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS) });
      const body = (await r.json()) as { health?: string };
      return body.health === "true" ? [] : [`${node.name}: etcd not healthy (${JSON.stringify(body)})`];
    } catch (e) {
      return [`${node.name}: etcd /health did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});
