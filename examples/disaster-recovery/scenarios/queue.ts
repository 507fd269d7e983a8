import amqp from "amqplib";
import { amqpChannelOf, amqpConsumer, amqpPublisher, type AmqpTarget, bound, type Bound, type CheckResult, drainQueue, type Evidence, failover, measurement, type NodeAddress, type Probe, queueDeliveries, quorumElectionTerms, quorumQueueState, type QuorumQueueState, RABBITMQ, RABBITMQ_BOOT_MS, RABBITMQ_PORTS, type RabbitmqSettings, type RunContext, type Term, type TopologySpec, type Workload } from "brownout";
import { checksOf, keyPrefix } from "./stack.js";

export const QUEUE_NODES = ["queue-01", "queue-02", "queue-03"] as const;
/** The compose profile of the RabbitMQ part: a scenario about it names it; the others do not start it. */
export const QUEUE_PROFILE = "queue";
/** The queue the stack declares and the application publishes to and consumes from. */
export const QUEUE = "orders";
/**
 * Unacknowledged deliveries a worker's channel holds at most (its basic.qos prefetch): one, so that the broker
 * gives each message to the next worker with room, in turn.
 */
export const PREFETCH = 1;
/** Publishers and consumers, each on its own connection through haproxy-01:5672: round robin puts some on every node. */
const CLIENTS = 3;

/** The RabbitMQ nodes' settings as this run deploys them (the profile's, a mutant's), read through the kind. */
export function rabbitOf(spec: TopologySpec): RabbitmqSettings {
  const node = spec.nodes.find((n) => n.name === QUEUE_NODES[0]);
  if (!node) throw new Error(`the stack declares no ${QUEUE_NODES[0]} (is the '${QUEUE_PROFILE}' profile named?)`);
  return RABBITMQ.settings(node).own;
}

/** Where a node's management API answers now (a restarted node has new ports). */
function managementOf(ctx: RunContext, node: string): NodeAddress {
  const c = ctx.topology.node(node);
  return { id: c.getId(), host: c.getHost(), ports: { [RABBITMQ_PORTS.management]: c.getMappedPort(RABBITMQ_PORTS.management) } };
}

/** The queue's Raft group as the first node that answers sees it (a paused or dead node is skipped). */
export async function queueState(ctx: RunContext, skip: readonly string[] = []): Promise<QuorumQueueState & { readonly askedOf: string }> {
  const admin = rabbitOf(ctx.topology.spec).admin;
  let last: unknown;
  for (const n of QUEUE_NODES.filter((x) => !skip.includes(x))) {
    try {
      return { ...(await quorumQueueState(managementOf(ctx, n), admin, QUEUE)), askedOf: n };
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no RabbitMQ node answered about ${QUEUE}: ${last instanceof Error ? last.message : String(last)}`);
}

/**
 * RabbitMQ 3.10 refreshes a quorum queue's statistics, its members online among them, on its leader's tick
 * (quorum_tick_interval, 5 s by default): the management API's answer may be a tick old. Measured: a node that had
 * resumed after a partition, listed online when verify() found the stack steady, was listed offline by the
 * majority's answer 3 s later, with nothing in either node's log between.
 */
export const QUORUM_TICK_MS = 5000;

/**
 * The queue's group once every member of it is listed online, as the nodes not skipped see it: asked again until
 * then for two of the leader's ticks at most (its last answer, if never), with how long that took. A classic queue
 * has no group to wait for; a smaller group (x-quorum-initial-group-size) waits for its own members only.
 */
export async function settledGroup(ctx: RunContext, skip: readonly string[] = []): Promise<QuorumQueueState & { readonly askedOf: string; readonly waitedMs: number }> {
  const settled = (q: QuorumQueueState) => q.type !== "quorum" || (q.members.length > 0 && q.members.every((m) => q.online.includes(m)));
  const t0 = performance.now();
  let last = await queueState(ctx, skip);
  while (!settled(last) && performance.now() - t0 < 2 * QUORUM_TICK_MS) {
    await ctx.hold(QUORUM_TICK_MS / 10);
    last = await queueState(ctx, skip);
  }
  return { ...last, waitedMs: Math.round(performance.now() - t0) };
}

/** The application's AMQP endpoint: haproxy-01:5672, asked at each new connection. */
function throughHaproxy(ctx: RunContext): () => AmqpTarget {
  const admin = rabbitOf(ctx.topology.spec).admin;
  return () => {
    const h = ctx.topology.node("haproxy-01");
    return { host: h.getHost(), port: h.getMappedPort(RABBITMQ_PORTS.amqp), user: admin.user, password: admin.password };
  };
}

/** The messages the application finds in the queue through haproxy-01:5672 once recovered: it drains them. */
export async function drainedThroughHaproxy(ctx: RunContext): Promise<Set<string>> {
  return new Set(await drainQueue(throughHaproxy(ctx)(), QUEUE));
}

/**
 * Publishers (persistent messages, publisher confirms) and workers (basic.consume, manual acks) through
 * haproxy-01:5672, each on its own connection, on the queue the stack declared (checked passively). A worker asks
 * for a delivery only while a confirmed message awaits one and it is its turn, so a delivery that does not come is
 * a failure. Once over, the workers close (their unacknowledged deliveries go back) and the queue is drained: the
 * final read.
 */
export function queueWorkload(ctx: RunContext, extra: readonly Probe[] = []): Workload {
  const prefix = keyPrefix(ctx, "enqueue");
  const target = throughHaproxy(ctx);
  const confirmed = new Set<string>();
  const delivered = new Set<string>();
  const publishers = Array.from({ length: CLIENTS }, (_, i) => {
    const p = amqpPublisher({ f: "enqueue", name: `enqueue-${String(i + 1)}@haproxy-01:5672`, target, queue: QUEUE, declare: "passive", key: (seq) => `${prefix}${String(i + 1)}-${String(seq)}` });
    const counted: Probe = {
      ...p,
      run: async (seq, signal) => {
        const r = await p.run(seq, signal);
        if (r.type === "ok" && r.value?.key) confirmed.add(r.value.key);
        return r;
      },
    };
    return { probe: counted, close: p.close };
  });
  // The broker hands each message to the next worker with room, in turn: a worker that has seen 2 × CLIENTS
  // deliveries go to the others since its own last one is passed over, and its op waits for one (and fails
  // without it). Otherwise a worker asks only with a delivery in hand, or to subscribe again.
  let deliveries = 0;
  const consumers = Array.from({ length: CLIENTS }, (_, i) => {
    let lastSeen = 0;
    const c = amqpConsumer({
      f: "dequeue",
      name: `dequeue-${String(i + 1)}@haproxy-01:5672`,
      target,
      queue: QUEUE,
      declare: "passive",
      prefetch: PREFETCH,
      ready: () => confirmed.size > delivered.size && (c.held() > 0 || !c.subscribed() || deliveries - lastSeen >= 2 * CLIENTS),
    });
    const counted: Probe = {
      ...c,
      run: async (seq, signal) => {
        const r = await c.run(seq, signal);
        if (r.type === "ok" && r.value?.key) {
          delivered.add(r.value.key);
          deliveries += 1;
          lastSeen = deliveries;
        }
        return r;
      },
    };
    return { probe: counted, close: c.close };
  });
  const closeAll = () => Promise.all([...publishers, ...consumers].map((x) => x.close()));
  return {
    probes: [...publishers.map((x) => x.probe), ...consumers.map((x) => x.probe), ...extra],
    close: () => void closeAll(),
    finalRead: async () => {
      await closeAll();
      return { "dequeue-drain": new Set(await drainQueue(target(), QUEUE)) };
    },
  };
}

/** How the survivors learn a node is gone: its connections closed (a kill), or its ticks stop (a cut). */
export type NodeLoss = "closed" | "silent";

/**
 * From a node's loss to clients served again through haproxy-01:5672. The survivors learn it at once when its
 * connections close (a kill), or after net_ticktime to 1.25 times it when its packets are dropped (a cut); they
 * elect a leader for the queue (Ra). Meanwhile haproxy-01 marks the node down (fall checks, inter apart, each
 * bounded by the check timeout) and closes its clients' sessions, which reconnect to a running node.
 */
export function queueFailoverBound(spec: TopologySpec, loss: NodeLoss): Bound {
  const r = rabbitOf(spec);
  const h = checksOf(spec);
  return bound(...(loss === "silent" ? [["net_ticktime × 1.25", r.netTicktimeS * 1250] as Term] : []), ...quorumElectionTerms(), ["inter", h.interMs, "fall", h.fall], ["check timeout", h.timeoutMs], ...measurement(spec));
}

/** From a node's restart: it boots and rejoins the queue's group, haproxy-01's checks see it rise. */
export function nodeBackTerms(spec: TopologySpec): Term[] {
  const h = checksOf(spec);
  return [["RabbitMQ boots (rejoins its cluster)", RABBITMQ_BOOT_MS], ["inter", h.interMs, "rise", h.rise]];
}

/**
 * Every publisher and worker served again, each on its own (one stuck on a lost node must not hide behind the
 * others' successes), within the failover bound; no confirmed message lost; duplicates only from lost channels.
 *
 * A documented weakness of RabbitMQ 3.10 (Debian bookworm's 3.10.8): a channel's quorum queue client takes the
 * leader from the queue's record when it opens. A client that reopens its channel while the lost leader is being
 * replaced is pinned to it until that node is back (upstream later prefers the live leader board over the record:
 * rabbitmq-server pull request 9241): a publisher's messages nacked when the node is known to be down (a kill),
 * unanswered when it is cut off (a partition); a worker's consumer served nothing (seen in production: a worker that
 * reopened its channel twice during the kill was served again 2.3 s after the node restarted). Its magnitude: a
 * client that reopened its channel during the fault and missed the failover bound is served again once the node
 * returns (the heal, then its boot), never later; a client that kept its channel is held to the failover bound.
 */
export function queueClientChecks(e: Evidence, loss: NodeLoss, from: number, backAt: number): CheckResult[] {
  const pinnedBound = bound(["the fault held until the heal", backAt - from], ...nodeBackTerms(e.spec), ...measurement(e.spec));
  const normal = queueFailoverBound(e.spec, loss);
  const processes = [...new Set(e.ops.filter((o) => o.f === "enqueue" || o.f === "dequeue").map((o) => `${o.f}\t${o.process}`))].sort();
  const drained = e.finalRead["dequeue-drain"];
  return [
    ...processes.map((p) => {
      const [f = "", name = ""] = p.split("\t");
      const check = failover(e.ops, { f, faultAt: from, bound: normal, resolutionMs: e.intervalMs, only: (x) => x === name, mustFeel: false, label: name });
      if (check.valid !== false) return check;
      const mine = e.ops.filter((o) => o.process === name && o.type === "ok");
      const before = amqpChannelOf(mine.filter((o) => o.end < from).at(-1)?.value?.note) ?? 0;
      const after = amqpChannelOf(mine.find((o) => o.start >= from)?.value?.note) ?? 0;
      return after > before ? failover(e.ops, { f, faultAt: from, bound: pinnedBound, resolutionMs: e.intervalMs, only: (x) => x === name, mustFeel: false, label: `${name} (reopened its channel during the fault: pinned to the lost leader)` }) : check;
    }),
    ...queueDeliveries(e.ops, { publish: "enqueue", consume: "dequeue", drained: drained ? [...drained] : null, finalRead: "dequeue-drain", prefetch: PREFETCH }),
  ];
}

/**
 * Opens an AMQP connection and a channel on it (and checks `queue` passively when named), then lets both go: what
 * a client needs of a node or a port to be served. Rejects with the first failure.
 */
export async function channelOpens(t: AmqpTarget, connectTimeoutMs: number, queue?: string): Promise<void> {
  const connection = await amqp.connect({ hostname: t.host, port: t.port, username: t.user, password: t.password }, { timeout: connectTimeoutMs });
  connection.on("error", () => undefined);
  try {
    const channel = await connection.createChannel();
    if (queue !== undefined) await channel.checkQueue(queue);
  } finally {
    void connection.close().catch(() => undefined);
  }
}

/**
 * One AMQP connection per op straight to a node's own port (not through HAProxy), closed at once: `ok` when the
 * node accepted it and a channel opened, `fail` otherwise. What a node paused in a minority refuses.
 */
export function nodeAccepts(ctx: RunContext, node: string): Probe {
  const admin = rabbitOf(ctx.topology.spec).admin;
  return {
    name: `connect@${node}:5672`,
    f: "amqp-connect",
    run: async (_seq, signal) => {
      const c = ctx.topology.node(node);
      try {
        await Promise.race([
          channelOpens({ host: c.getHost(), port: c.getMappedPort(RABBITMQ_PORTS.amqp), user: admin.user, password: admin.password }, 1000),
          new Promise<never>((_, reject) => {
            signal.addEventListener("abort", () => { reject(new Error("timed out")); }, { once: true });
          }),
        ]);
        return { type: "ok", value: { target: node } };
      } catch (e) {
        return { type: "fail", value: { target: node }, error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
