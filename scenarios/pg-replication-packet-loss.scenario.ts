import { bound, defineScenario, faultTimeline, findStaleReads, injectFault, loss, measurement, noFailures, OBSERVE_MS, productRead, productWrite, recoveredInTime, result, round, seedProducts, staleReads, targets, haproxyOf } from "../src/index.js";
import { FLAP_CYCLES, haproxyDetection } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { LOSS_PERCENT, lossFelt, noteLossMechanism } from "./packet-loss.js";

const FAULT = loss("pg-replica", LOSS_PERCENT);

/** UP→DOWN transitions of every pg-replica server line in HAProxy, as `backend/server: count`. */
async function replicaDowns(states: Promise<readonly { backend: string; server: string; downTransitions: number }[]>): Promise<Record<string, number>> {
  return Object.fromEntries((await states).filter((s) => s.server === "pg-replica").map((s) => [`${s.backend}/${s.server}`, s.downTransitions]));
}

/**
 * 30 % of pg-replica's packets dropped each way (netem, else iptables' statistic match): WAL streaming and the
 * reads HAProxy sends it both cross a lossy link. The replica is alive, so every time HAProxy's checks mark it DOWN
 * is a false failover (a flap), counted. Reads fall back to the primary when pg-read has no server; writes never
 * touch the replica. Shown: users' error rate and tail latency, stale reads within the replication bound, no
 * failed read or write, HAProxy's flaps. Origin: streaming replication over an unreliable link (seed 004's pair).
 */
export default defineScenario({
  name: "pg-replication-packet-loss",
  fault: `${String(LOSS_PERCENT)} % packet loss on pg-replica, each way; removed`,
  expected: "reads and writes keep succeeding (fallback to the primary); stale reads bounded; users' error rate and p99 measured; HAProxy's false failovers of the live replica counted",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "fallback", cacheTtlS: 1 } },
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.bothSitesStrict, MUTANTS.replicaApplyDelay],
  // Held for several HAProxy detection periods, so a lossy check has room to flap.
  phases: (spec) => ({ faultMs: 2 * haproxyDetection(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: haproxyDetection(spec).ms + spec.timings.postgres.walReceiverTimeoutMs }),
  timeline: faultTimeline(FAULT, "rules removed"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    return { probes: [productWrite(ctx.http, t.caddy, keys.slice(0, 2)), productRead(ctx.http, t.caddy, keys)] };
  },
  async inject(ctx, observed) {
    await noteLossMechanism(ctx, observed);
    const before = await replicaDowns(haproxyOf(ctx.topology).serverStates());
    const fault = await injectFault(ctx.topology, FAULT);
    await ctx.hold(ctx.phases.faultMs);
    const after = await replicaDowns(haproxyOf(ctx.topology).serverStates());
    observed.flaps = Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]));
    return [fault];
  },
  checks(e) {
    const { control } = lossFelt(e, ["product-read", "product-write"]);
    const flaps = (e.observed.flaps ?? {}) as Record<string, number>;
    const total = Object.values(flaps).reduce((n, x) => n + x, 0);
    const pg = e.spec.timings.postgres;
    // Retransmits keep the stream alive; at worst the WAL receiver gives up after wal_receiver_timeout and
    // reconnects within wal_retrieve_retry_interval, plus the ordinary lag, seen by probes one interval apart.
    const b = bound(["wal_receiver_timeout", pg.walReceiverTimeoutMs], ["wal_retrieve_retry_interval", pg.walRetrieveRetryMs], ["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec));
    const cycle = FLAP_CYCLES.haproxy(e.spec);
    const mostFlaps = Math.max(1, Object.keys(flaps).length) * Math.ceil(e.phases.faultMs / cycle.ms);
    const stale = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "replica");
    return [
      control,
      noFailures(e.ops, "product-read", undefined, "(fallback to the primary)"),
      noFailures(e.ops, "product-write", undefined, "(the primary is not lossy)"),
      staleReads(e.ops, { bound: b, sources: ["replica"], toleranceMs: e.spec.margins.asyncLagMs }),
      result(
        "HAProxy's false failovers of the live replica counted, no more than its timers allow",
        Object.keys(flaps).length > 0 ? total <= mostFlaps : "unknown",
        `${String(total)} UP→DOWN transition(s) of pg-replica under loss (${Object.entries(flaps).map(([k, n]) => `${k}: ${String(n)}`).join(", ")}; at most ${String(mostFlaps)} in the ${String(e.phases.faultMs)} ms hold, one per backend and cycle of ${cycle.derivation}); ${String(stale.length)} stale replica reads during it, up to ${String(round(stale.reduce((m, s) => Math.max(m, s.stalenessMs), 0)))} ms behind`,
        { falseFailovers: total, falseFailoversMax: mostFlaps },
      ),
      recoveredInTime(e),
    ];
  },
});
