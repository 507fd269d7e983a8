import { bound, type Bound, control, defineScenario, faultInForceAt, healAskedAt, holdFault, measurement, OBSERVE_MS, partition, recoveredInTime, recoveryBound, result, type TopologySpec } from "brownout";
import { checksOf } from "./stack.js";
import { nodeAccepts, nodeBackTerms, QUEUE, QUEUE_NODES, QUEUE_PROFILE, queueClientChecks, queueFailoverBound, queueState, queueWorkload, rabbitOf, settledGroup } from "./queue.js";

/**
 * From the cut to the minority refusing clients: it takes its peers for down after net_ticktime to 1.25 times
 * it, then pauses (pause_minority): it stops its applications and their listeners, which a connection attempt
 * meets at once.
 */
function pauseBound(spec: TopologySpec): Bound {
  return bound(["net_ticktime × 1.25", rabbitOf(spec).netTicktimeS * 1250], ...measurement(spec));
}

/**
 * Seed 002's RabbitMQ node that leads the quorum queue is cut from the two others (iptables in its namespace;
 * haproxy-01 and clients still reach it). pause_minority: once it takes them for down it pauses, closing its
 * clients' connections and its listeners, so haproxy-01's check takes it out; the majority elects a leader and
 * serves. No confirmed message is lost (Jepsen found classic mirrored queues losing confirmed messages under
 * partitions; quorum queues promise none). After the heal the paused node resumes and rejoins the group.
 */
export default defineScenario({
  name: "rabbitmq-node-partitioned",
  fault: `partition the RabbitMQ node leading '${QUEUE}' from the two others; heal`,
  expected: "the minority node refuses clients within net_ticktime (pause_minority); publishers and workers through haproxy-01:5672 served again on the majority within detection and HAProxy's checks; no confirmed message lost; the node resumes and rejoins the queue's group",
  topology: { composeProfiles: [QUEUE_PROFILE] },
  mechanisms: [],
  mutants: [
    { name: "rabbitmq-partition-handling-ignore", regression: "cluster_partition_handling left at RabbitMQ's default, ignore: a node cut off keeps serving its clients", deploy: { nodes: QUEUE_NODES.map((name) => ({ name, kind: "rabbitmq", settings: { partitionHandling: "ignore" } })) } },
    { name: "rabbitmq-partition-handling-autoheal", regression: "cluster_partition_handling autoheal, so that nobody has to restart a node after a partition: the cut node keeps its listeners and serves its clients until the heal, when the losing side restarts", deploy: { nodes: QUEUE_NODES.map((name) => ({ name, kind: "rabbitmq", settings: { partitionHandling: "autoheal" } })) } },
    { name: "rabbitmq-net-ticktime-120", regression: "net_ticktime raised to 120 s so that a slow network never trips partition handling: a cut peer is taken for down two minutes later", deploy: { nodes: QUEUE_NODES.map((name) => ({ name, kind: "rabbitmq", settings: { netTicktimeS: 120 } })) } },
  ],
  phases: (spec) => {
    const h = checksOf(spec);
    return {
      faultMs: Math.max(queueFailoverBound(spec, "silent").ms, pauseBound(spec).ms) + OBSERVE_MS,
      afterMs: 1000,
      // From the heal: the paused node sees its peers within a tick, resumes (boots its applications again) and
      // its queue member catches up; haproxy-01's checks see it rise.
      recovery: recoveryBound(spec, ["net_ticktime", rabbitOf(spec).netTicktimeS * 1000], ...nodeBackTerms(spec), ["check timeout", h.timeoutMs]),
    };
  },
  timeline: [
    { atMs: 0, action: `partition the node leading '${QUEUE}' from the two others`, target: "-" },
    { atMs: "end", action: "heal: the partition lifted", target: "-" },
  ],
  async workload(ctx) {
    const before = await queueState(ctx);
    ctx.observed.before = before;
    if (!before.leader) throw new Error(`the quorum queue '${QUEUE}' had no leader before the fault`);
    ctx.observed.minority = before.leader;
    return queueWorkload(ctx, [nodeAccepts(ctx, before.leader)]);
  },
  async inject(ctx, observed) {
    const minority = String(observed.minority);
    return holdFault(ctx, partition(minority, QUEUE_NODES.filter((n) => n !== minority)));
  },
  async observe(ctx, observed) {
    // As the majority sees the group (the resumed node restarted its management plugin with its applications),
    // once its statistics say so: they are refreshed on the leader's tick.
    observed.after = await settledGroup(ctx, [String(observed.minority)]);
  },
  checks(e) {
    const from = faultInForceAt(e);
    const healed = healAskedAt(e);
    const members = rabbitOf(e.spec).members;
    const minority = String(e.observed.minority);
    const before = e.observed.before as { type?: string; leader?: string; online?: string[] } | undefined;
    const after = e.observed.after as { leader?: string; online?: string[]; askedOf?: string; waitedMs?: number } | undefined;
    const pause = pauseBound(e.spec);
    const connects = e.ops.filter((o) => o.f === "amqp-connect");
    const acceptedBefore = connects.filter((o) => o.end < from);
    const lateAccepted = connects.filter((o) => o.type === "ok" && o.start >= from + pause.ms && o.end < healed);
    const refusedFrom = connects.find((o) => o.type !== "ok" && o.start >= from)?.start;
    const felt = e.ops.filter((o) => (o.f === "enqueue" || o.f === "dequeue") && o.type !== "ok" && o.start >= from && o.start < healed).length;
    const inFault = connects.filter((o) => o.start >= from + pause.ms && o.end < healed);
    return [
      control(`'${QUEUE}' was a quorum queue with a member on every node before the fault`, before?.type === "quorum" && members.every((m) => before.online?.includes(m)), `type ${String(before?.type)}; leader ${String(before?.leader)}; online ${before?.online?.join(", ") ?? "none"}`),
      control(`${minority} accepted clients before the cut`, acceptedBefore.length > 0 && acceptedBefore.every((o) => o.type === "ok"), `${String(acceptedBefore.filter((o) => o.type === "ok").length)} of ${String(acceptedBefore.length)} connections accepted`),
      control("the cut was felt: publishes or deliveries failed", felt > 0, `${String(felt)} enqueue/dequeue did not succeed during the partition`),
      result(
        `the minority ${minority} paused: it refused every client from net_ticktime on, until the heal`,
        inFault.length > 0 && lateAccepted.length === 0,
        `first refusal ${refusedFrom === undefined ? "never" : `${String(Math.round(refusedFrom - from))} ms after the cut`}; ${String(lateAccepted.length)} of ${String(inFault.length)} connections accepted past ${pause.derivation}`,
        { refusedAfterMs: refusedFrom === undefined ? null : Math.round(refusedFrom - from), acceptedLate: lateAccepted.length, boundMs: pause.ms },
      ),
      ...queueClientChecks(e, "silent", from, healed),
      result(`a majority node leads the queue; ${minority} resumed and rejoined its group`, after?.leader !== undefined && after.leader !== minority && members.every((m) => after.online?.includes(m)), `leader before ${minority}, after ${String(after?.leader)}; online ${after?.online?.join(", ") ?? "none"} (as ${String(after?.askedOf)} sees it, ${String(after?.waitedMs)} ms into the last look)`),
      recoveredInTime(e),
    ];
  },
});
