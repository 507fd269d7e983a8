import type { Term } from "../../assertions/bound.js";
import { fixture } from "../../paths.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import type { NodeAddress } from "../../nodes/kind.js";
import { kindOnGeneric } from "../../nodes/on-generic.js";

export type PartitionHandling = "ignore" | "pause_minority" | "autoheal";
const PARTITION_HANDLINGS: readonly PartitionHandling[] = ["ignore", "pause_minority", "autoheal"];

export interface RabbitmqUser {
  readonly user: string;
  readonly password: string;
}

export type QueueType = "quorum" | "classic";
const QUEUE_TYPES: readonly QueueType[] = ["quorum", "classic"];

/** A durable queue the stack declares itself (on the default vhost), once every member has joined the cluster. */
export interface RabbitmqQueue {
  readonly name: string;
  readonly type: QueueType;
  /** A quorum queue's members (x-quorum-initial-group-size); every running node of the cluster when absent. */
  readonly groupSize?: number;
}

/** A RabbitMQ node's settings, as rabbitmq.conf and Erlang's kernel name them. */
export interface RabbitmqSettings {
  /** Every node of the cluster by node name, this one among them: each runs as rabbit@<name>. */
  readonly members: readonly string[];
  /** The Erlang cookie the members share: two clusters of one run never join each other. */
  readonly cookie: string;
  /** The administrator clients and the management API log in as (default_user, tagged administrator). */
  readonly admin: RabbitmqUser;
  /** What a node does when it loses sight of peers (cluster_partition_handling); RabbitMQ's default is ignore. */
  readonly partitionHandling: PartitionHandling;
  /** Erlang's net_ticktime: a silent peer is taken for down after between it and 1.25 times it. */
  readonly netTicktimeS: number;

  /**
   * Queues the stack declares, as its operators do (definitions applied to the formed cluster): a quorum queue
   * declared once every member has joined has a member on each. Applications then only check them (passive).
   */
  readonly queues: readonly RabbitmqQueue[];
}

export const RABBITMQ_PORTS = { amqp: 5672, management: 15672 } as const;

/**
 * How long a node takes from its start to serving (boot steps, plugins, rejoining its cluster, quorum queues
 * recovered) on the harness's machine: measured, the way serverStartMs is for the other servers.
 */
export const RABBITMQ_BOOT_MS = 10000;

/**
 * Ra's fixed timings (the Raft library under quorum queues; RabbitMQ 3.10 sets none of them): followers that lose
 * their leader's process to a lost connection start an election after a short timeout, up to broadcast × (mult +
 * 1); a follower that declines a pre-vote (the candidate's log is behind its own) waits a long timeout, up to
 * broadcast × mult × 2 + aten's poll interval, before it stands itself. ra_server_proc's election_timeout_action.
 */
export const RA_PERIODS = { broadcastMs: 100, electionMult: 5, atenPollMs: 1000 } as const;

/**
 * From the moment the followers know their leader's node is gone to a new leader: the short timeout, then up to
 * two rounds of a pre-vote declined (the candidate's log behind the other follower's, or both standing at once)
 * and a long timeout. Measured on a cut leader (fast profile, 7 runs): 0.2 to 5.6 s from the followers' nodedown.
 */
export function quorumElectionTerms(): Term[] {
  const r = RA_PERIODS;
  return [
    ["Ra's election timeout after the leader's loss (short)", r.broadcastMs * (r.electionMult + 1)],
    ["a pre-vote declined, then a long timeout", r.broadcastMs * r.electionMult * 2 + r.atenPollMs, "rounds", 2],
  ];
}

/** RabbitMQ's and Erlang's defaults, where the kind keeps them. */
export const RABBITMQ_DEFAULTS = { partitionHandling: "ignore", netTicktimeS: 60 } as const;

const KEYS = ["members", "cookie", "admin", "partitionHandling", "netTicktimeS", "queues"];

function queues(node: string, v: unknown): RabbitmqQueue[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UserError(`node '${node}' (rabbitmq): queues must list { name, type }`);
  return v.map((q: unknown, i) => {
    const x = q as { name?: unknown; type?: unknown } | null;
    if (!x || typeof x.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(x.name)) throw new UserError(`node '${node}' (rabbitmq): queues[${String(i)}].name must be letters, digits, _ . and -`);
    const type = x.type ?? "quorum";
    if (!QUEUE_TYPES.includes(type as QueueType)) throw new UserError(`node '${node}' (rabbitmq): queues[${String(i)}].type must be one of ${QUEUE_TYPES.join(", ")}, not ${JSON.stringify(x.type)}`);
    const size = (q as { groupSize?: unknown }).groupSize;
    if (size !== undefined && (typeof size !== "number" || !Number.isInteger(size) || size < 1 || type !== "quorum")) throw new UserError(`node '${node}' (rabbitmq): queues[${String(i)}].groupSize must be a whole number, at least 1, for a quorum queue`);
    return { name: x.name, type: type as QueueType, ...(size === undefined ? {} : { groupSize: size }) };
  });
}

/** PUT on a node's management API, as the administrator. */
async function rabbitmqPut(host: string, port: number, admin: RabbitmqUser, path: string, body: unknown): Promise<void> {
  const r = await fetch(`http://${host}:${String(port)}/api${path}`, {
    method: "PUT",
    headers: { authorization: authorization(admin), "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS),
  });
  if (!r.ok) throw new Error(`PUT /api${path} answered ${String(r.status)}: ${await r.text()}`);
}

/** The management API's basic authentication as the administrator. */
const authorization = (admin: RabbitmqUser): string => `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString("base64")}`;

/** GET on a node's management API (its published port), as the administrator: the JSON answer. */
export async function rabbitmqGet(address: NodeAddress, admin: RabbitmqUser, path: string, signal?: AbortSignal): Promise<unknown> {
  const port = address.ports[RABBITMQ_PORTS.management] ?? RABBITMQ_PORTS.management;
  const r = await fetch(`http://${address.host}:${String(port)}/api${path}`, {
    headers: { authorization: authorization(admin) },
    signal: signal ?? AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS),
  });
  if (!r.ok) throw new Error(`GET /api${path} answered ${String(r.status)}`);
  return r.json();
}

/** A node of the cluster as the management API lists it (GET /api/nodes). */
export interface RabbitmqNodeState {
  readonly name: string;
  readonly running: boolean;
  readonly partitions: readonly string[];
  readonly net_ticktime?: number;
}

/**
 * A quorum queue's Raft group as the management API shows it (GET /api/queues/<vhost>/<name>): its leader, its
 * members and those online, each as a node name (rabbit@ stripped).
 */
export interface QuorumQueueState {
  readonly type: string;
  readonly leader?: string;
  readonly members: readonly string[];
  readonly online: readonly string[];
  readonly messages: number;
}

const bare = (erlangName: string): string => erlangName.replace(/^rabbit@/, "");

export async function quorumQueueState(address: NodeAddress, admin: RabbitmqUser, queue: string, vhost = "/"): Promise<QuorumQueueState> {
  const q = (await rabbitmqGet(address, admin, `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)) as { type?: string; leader?: string; node?: string; members?: string[]; online?: string[]; messages?: number };
  return {
    type: q.type ?? "classic",
    ...(q.leader ?? q.node ? { leader: bare(q.leader ?? q.node ?? "") } : {}),
    members: (q.members ?? (q.node ? [q.node] : [])).map(bare),
    online: (q.online ?? []).map(bare),
    messages: q.messages ?? 0,
  };
}

export async function rabbitmqNodes(address: NodeAddress, admin: RabbitmqUser): Promise<RabbitmqNodeState[]> {
  const nodes = (await rabbitmqGet(address, admin, "/nodes")) as { name: string; running: boolean; partitions?: string[]; net_ticktime?: number }[];
  return nodes.map((n) => ({ name: bare(n.name), running: n.running, partitions: (n.partitions ?? []).map(bare), ...(n.net_ticktime === undefined ? {} : { net_ticktime: n.net_ticktime }) }));
}

function admin(node: string, v: unknown): RabbitmqUser {
  if (v === undefined) return { user: "brownout", password: "brownout" };
  const u = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof u.user !== "string" || typeof u.password !== "string" || !/^[A-Za-z0-9_]+$/.test(u.user) || !/^[A-Za-z0-9_.-]+$/.test(u.password)) {
    throw new UserError(`node '${node}' (rabbitmq): admin must be { user, password } (letters, digits, _ in the user; letters, digits, _ . - in the password)`);
  }
  return { user: u.user, password: u.password };
}

/**
 * A RabbitMQ node (Debian's rabbitmq-server 3.10) of a cluster formed from its members' names, with the
 * management plugin. verify() asks the management API that every member runs in one cluster, with no partition
 * seen and the declared net_ticktime.
 */
const NODE = kindOnGeneric<RabbitmqSettings>({
  name: "rabbitmq",
  summary: "a RabbitMQ 3.10 node (Debian's rabbitmq-server) of a cluster formed from its members; verify() reads the management API's cluster view",
  ownKeys: KEYS,
  own(raw, node) {
    const members = raw.members;
    if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === "string" && /^[a-z0-9-]+$/.test(m))) throw new UserError(`node '${node}' (rabbitmq): members must list the cluster's node names (letters, digits and -: each runs as rabbit@<name>)`);
    if (!members.includes(node)) throw new UserError(`node '${node}' (rabbitmq): members must include the node itself (${members.join(", ")})`);
    const handling = raw.partitionHandling ?? RABBITMQ_DEFAULTS.partitionHandling;
    if (!PARTITION_HANDLINGS.includes(handling as PartitionHandling)) throw new UserError(`node '${node}' (rabbitmq): partitionHandling must be one of ${PARTITION_HANDLINGS.join(", ")}, not ${JSON.stringify(handling)}`);
    const tick = raw.netTicktimeS ?? RABBITMQ_DEFAULTS.netTicktimeS;
    if (typeof tick !== "number" || !Number.isInteger(tick) || tick < 1) throw new UserError(`node '${node}' (rabbitmq): netTicktimeS must be a whole number of seconds, at least 1, not ${JSON.stringify(raw.netTicktimeS)}`);
    const cookie = raw.cookie ?? "brownout-rabbitmq";
    if (typeof cookie !== "string" || !/^[A-Za-z0-9_-]+$/.test(cookie)) throw new UserError(`node '${node}' (rabbitmq): cookie must be letters, digits, _ and -`);
    return { members: members as string[], cookie, admin: admin(node, raw.admin), partitionHandling: handling as PartitionHandling, netTicktimeS: tick, queues: queues(node, raw.queues) };
  },
  generic: (raw, own, node) => ({
    build: { context: fixture("kinds", "rabbitmq") },
    ...raw,
    ports: [RABBITMQ_PORTS.amqp, RABBITMQ_PORTS.management],
    environment: {
      RABBITMQ_NODE: node.name,
      RABBITMQ_PEERS: own.members.join(","),
      RABBITMQ_COOKIE: own.cookie,
      RABBITMQ_USER: own.admin.user,
      RABBITMQ_PASSWORD: own.admin.password,
      RABBITMQ_PARTITION_HANDLING: own.partitionHandling,
      RABBITMQ_NET_TICKTIME: String(own.netTicktimeS),
      // Started after none of its members, this node forms the cluster: no peer can answer its discovery, so it
      // asks once instead of retrying for RabbitMQ's 10 × 500 ms. A node started after a member joins as before.
      RABBITMQ_FORMS_CLUSTER: (node.after ?? []).some((n) => own.members.includes(n)) ? "no" : "yes",
      ...(raw.environment as Record<string, string> | undefined),
    },
    // AMQP listens once the node booted, and a node that found a running peer booted joined to it.
    health: { tcp: RABBITMQ_PORTS.amqp },
  }),
  async problems(node: { readonly name: string; readonly address: NodeAddress }, s) {
    try {
      const nodes = await rabbitmqNodes(node.address, s.own.admin);
      const out: string[] = [];
      for (const m of s.own.members) {
        const n = nodes.find((x) => x.name === m);
        if (!n) out.push(`${m} is not in ${node.name}'s cluster (${nodes.map((x) => x.name).join(", ")})`);
        else if (!n.running) out.push(`${m} is not running, as ${node.name} sees it`);
      }
      const self = nodes.find((x) => x.name === node.name);
      if (self && self.partitions.length > 0) out.push(`partitioned from ${self.partitions.join(", ")}`);
      if (self?.net_ticktime !== undefined && self.net_ticktime !== s.own.netTicktimeS) out.push(`net_ticktime is ${String(self.net_ticktime)}, declared ${String(s.own.netTicktimeS)}`);
      // Each declared queue as declared, and a quorum queue with every member online (a returned node caught up).
      for (const q of s.own.queues) {
        const state = await quorumQueueState(node.address, s.own.admin, q.name);
        if (state.type !== q.type) out.push(`queue ${q.name} is ${state.type}, declared ${q.type}`);
        else if (q.type === "quorum" && state.members.some((m) => !state.online.includes(m))) out.push(`quorum queue ${q.name} has ${state.online.join(", ") || "no member"} online of its members ${state.members.join(", ")}`);
      }
      return out.map((p) => `${node.name}: ${p}`);
    } catch (e) {
      return [`${node.name}: RabbitMQ's management API did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});

/**
 * The rabbitmq kind: a node as above, and its group set up together: once every member has joined, the first
 * declares the stack's queues (a quorum queue then has a member on each node).
 */
export const RABBITMQ: typeof NODE = {
  ...NODE,
  together: {
    async setUp(nodes) {
      const first = nodes[0];
      if (!first) return;
      const port = first.container.getMappedPort(RABBITMQ_PORTS.management);
      for (const q of first.settings.own.queues) {
        await rabbitmqPut(first.container.getHost(), port, first.settings.own.admin, `/queues/%2F/${encodeURIComponent(q.name)}`, { durable: true, auto_delete: false, arguments: q.type === "quorum" ? { "x-queue-type": "quorum", ...(q.groupSize === undefined ? {} : { "x-quorum-initial-group-size": q.groupSize }) } : {} });
      }
    },
  },
};
