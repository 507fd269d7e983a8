import { bound, control, defineScenario, faultThenHeal, findStaleReads, holdFault, measurement, noFailures, productRead, productWrite, recoveredInTime, recoveryBound, seedProducts, staleReads, targets } from "../src/index.js";
import { MUTANTS } from "./mutants.js";

/** The latency the toxic adds to the WAL stream: the fault itself, not a bound. */
const LAG_MS = 500;

const PHASES = { faultMs: 4000, afterMs: 2000 };

/**
 * Toxiproxy adds latency to the WAL stream (`pg-replication`, primary → replica). Reads served by the replica
 * fall behind acknowledged writes by about that latency, and no further; once healed and caught up, they are
 * current again. Origin: asynchronous streaming replication, read from a hot standby (seed 004).
 */
export default defineScenario({
  name: "replication-lag",
  fault: `latency toxic (${String(LAG_MS)} ms) on pg-replication; removed`,
  expected: "stale reads counted, max staleness ≤ lag + bound; none after heal and catch-up",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "strict", cacheTtlS: 1 } },
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.replicaApplyDelay, MUTANTS.pgReadToPrimary],
  // Healed, the WAL still inside the toxic arrives one latency later and is replayed.
  phases: (spec) => ({ ...PHASES, recovery: recoveryBound(spec, ["latency toxic (WAL in flight)", LAG_MS], ["async lag", spec.margins.asyncLagMs]) }),
  timeline: faultThenHeal(`toxic latency ${String(LAG_MS)} ms`, "pg-replication", "toxic removed"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    return { probes: [productWrite(ctx.http, t.gra, keys), productRead(ctx.http, t.gra, keys)] };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.toxic("pg-replication", { type: "latency", latencyMs: LAG_MS })),
  checks(e) {
    const during = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "replica");
    const after = e.at.steadyAt === null ? undefined : { from: e.at.steadyAt, to: e.at.end + 1 };
    // A replica read trails the primary by the WAL's added latency plus the ordinary asynchronous lag, seen by
    // probes one interval apart.
    const b = bound(["toxic latency", LAG_MS], ["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec));
    return [
      control("lag observed on replica reads while the toxic is on", during.length > 0, `${String(during.length)} stale replica reads during the fault`, { count: during.length }),
      staleReads(e.ops, { bound: b, sources: ["replica"], ...(after ? { noneIn: after } : {}), toleranceMs: e.spec.margins.asyncLagMs }),
      noFailures(e.ops, "product-read", undefined, ""),
      noFailures(e.ops, "product-write", undefined, ""),
      recoveredInTime(e),
    ];
  },
});
