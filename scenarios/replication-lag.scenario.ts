import { noFailures } from "../src/assertions/availability.js";
import { result } from "../src/assertions/check.js";
import { findStaleReads, staleReads } from "../src/assertions/stale-reads.js";
import { defineScenario, faultThenHeal, holdFault, recoveredInTime } from "../src/scenario/define.js";
import { seedProducts, targets } from "../src/scenario/workloads.js";
import { productRead, productWrite } from "../src/workload/probes.js";

const LAG_MS = 500;
/** Ordinary asynchronous lag on this machine: a read a few ms after a write may miss it. */
const TOLERANCE_MS = 100;

const PHASES = { steadyMs: 2000, faultMs: 4000, afterMs: 2000, recoveryBoundMs: 8000 };

/**
 * Toxiproxy adds latency to the WAL stream (`pg-replication`, primary → replica). Reads served by the replica
 * fall behind acknowledged writes by about that latency, and no further; once healed and caught up, they are
 * current again. Origin: asynchronous streaming replication, read from a hot standby.
 */
export default defineScenario({
  name: "replication-lag",
  fault: `latency toxic (${String(LAG_MS)} ms) on pg-replication; removed`,
  expected: "stale reads counted, max staleness ≤ lag + bound; none after heal and catch-up",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "strict", cacheTtlS: 1 } },
  phases: PHASES,
  timeline: faultThenHeal(PHASES, `toxic latency ${String(LAG_MS)} ms`, "pg-replication", "toxic removed"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    return { probes: [productWrite(ctx.http, t.gra, keys), productRead(ctx.http, t.gra, keys)] };
  },
  inject: (ctx) => holdFault(ctx, PHASES, () => ctx.topology.toxic("pg-replication", { type: "latency", latencyMs: LAG_MS })),
  checks(e) {
    const during = findStaleReads(e.ops, { from: e.at.fault, to: e.at.heal }, (r) => r.value?.source === "replica");
    const after = e.at.steadyAt === null ? undefined : { from: e.at.steadyAt + 200, to: e.at.end + 1 };
    return [
      result("lag observed while the toxic is on", during.length > 0, `${String(during.length)} stale replica reads during the fault`, { count: during.length }),
      staleReads(e.ops, { boundMs: LAG_MS + 1000, sources: ["replica"], ...(after ? { noneIn: after } : {}), toleranceMs: TOLERANCE_MS }),
      noFailures(e.ops, "product-read", undefined, ""),
      noFailures(e.ops, "product-write", undefined, ""),
      recoveredInTime(e),
    ];
  },
});
