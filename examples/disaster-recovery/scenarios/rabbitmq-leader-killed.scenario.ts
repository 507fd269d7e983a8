import { control, defineScenario, faultInForceAt, healAskedAt, holdFault, kill, OBSERVE_MS, recoveredInTime, recoveryBound, result } from "brownout";
import { nodeBackTerms, QUEUE, QUEUE_NODES, QUEUE_PROFILE, queueClientChecks, queueFailoverBound, queueState, queueWorkload, rabbitOf, settledGroup } from "./queue.js";

/**
 * Seed 002's RabbitMQ cluster loses the node that leads the quorum queue (SIGKILL). The two others take it for
 * down and elect a leader among themselves; haproxy-01 marks it down and closes its clients' sessions, and they
 * reconnect to a running node. Publishers wait for confirms and workers acknowledge by hand: no confirmed message
 * is lost, and a message is delivered twice only if a lost channel held it unacknowledged. The node, started
 * again, rejoins the queue's group.
 */
export default defineScenario({
  name: "rabbitmq-leader-killed",
  fault: `kill the RabbitMQ node leading the quorum queue '${QUEUE}' (SIGKILL); start it again`,
  expected: "publishers and workers through haproxy-01:5672 served again within the loss's detection (net_ticktime, HAProxy's checks); no confirmed message lost; duplicates only from lost channels; the node rejoins the queue's group",
  topology: { composeProfiles: [QUEUE_PROFILE] },
  mechanisms: [],
  mutants: [
    { name: "rabbitmq-classic-queue", regression: `the stack declares '${QUEUE}' as a classic queue (RabbitMQ's default type): it lives on one node only`, deploy: { nodes: QUEUE_NODES.map((name) => ({ name, kind: "rabbitmq", settings: { queues: [{ name: QUEUE, type: "classic" }] } })) } },
    { name: "rabbitmq-quorum-one-member", regression: `'${QUEUE}' declared with x-quorum-initial-group-size 1 to save disk: a quorum queue with one replica`, deploy: { nodes: QUEUE_NODES.map((name) => ({ name, kind: "rabbitmq", settings: { queues: [{ name: QUEUE, type: "quorum", groupSize: 1 }] } })) } },
  ],
  phases: (spec) => ({
    faultMs: queueFailoverBound(spec, "closed").ms + OBSERVE_MS,
    afterMs: 1000,
    recovery: recoveryBound(spec, ...nodeBackTerms(spec)),
  }),
  timeline: [
    { atMs: 0, action: `kill the node leading '${QUEUE}'`, target: "-" },
    { atMs: "end", action: "heal: start it again", target: "-" },
  ],
  async workload(ctx) {
    const before = await queueState(ctx);
    ctx.observed.before = before;
    return queueWorkload(ctx);
  },
  async inject(ctx, observed) {
    const leader = (observed.before as { leader?: string } | undefined)?.leader;
    if (!leader) throw new Error(`the quorum queue '${QUEUE}' had no leader before the fault`);
    observed.killed = leader;
    return holdFault(ctx, kill(leader));
  },
  async observe(ctx, observed) {
    observed.after = await settledGroup(ctx);
  },
  checks(e) {
    const from = faultInForceAt(e);
    const members = rabbitOf(e.spec).members;
    const before = e.observed.before as { type?: string; leader?: string; members?: string[]; online?: string[] } | undefined;
    const after = e.observed.after as { leader?: string; online?: string[]; askedOf?: string; waitedMs?: number } | undefined;
    const killed = String(e.observed.killed);
    const felt = e.ops.filter((o) => (o.f === "enqueue" || o.f === "dequeue") && o.type !== "ok" && o.start >= from && o.start < e.at.heal).length;
    return [
      control(`'${QUEUE}' was a quorum queue with a member on every node before the fault`, before?.type === "quorum" && members.every((m) => before.online?.includes(m)), `type ${String(before?.type)}; leader ${String(before?.leader)}; online ${before?.online?.join(", ") ?? "none"}`),
      control("the kill was felt: publishes or deliveries failed", felt > 0, `${String(felt)} enqueue/dequeue did not succeed while ${killed} was dead`),
      ...queueClientChecks(e, "closed", from, healAskedAt(e)),
      result("a survivor leads the queue; the killed node rejoined its group", after?.leader !== undefined && after.leader !== killed && members.every((m) => after.online?.includes(m)), `leader before ${killed}, after ${String(after?.leader)}; online ${after?.online?.join(", ") ?? "none"} (as ${String(after?.askedOf)} sees it, ${String(after?.waitedMs)} ms into the last look)`),
      recoveredInTime(e),
    ];
  },
});
