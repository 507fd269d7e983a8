import { bound, defineScenario, lostWrites, measurement, pause, partition, perFaultWindow, readYourWrites, recoveredAfterEachFault, recoveredInTime, restart, sessions, type SoakDefinition, type SoakFault, staleReads, stop, toxic } from "../src/index.js";
import { cacheTtlBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import steadyState from "./steady-state.scenario.js";

/**
 * The faults a meeting-stack soak draws from: each reversible (healed, the stack back to its steady state), with
 * the roles it occupies. Failovers that change the steady state for good (a promoted replica) are not in it.
 */
const CATALOG: readonly SoakFault[] = [
  { fault: toxic("app-redis", { type: "down" }), weight: 2, holdMs: [1000, 3000], roles: ["app-redis"], settleMs: 1000 },
  { fault: pause("pg-replica"), weight: 2, holdMs: [1000, 2500], roles: ["pg-replica"], settleMs: 3000 },
  { fault: partition("mysql-1", "mysql-2"), weight: 1, holdMs: [2000, 4000], roles: ["mysql-1", "mysql-2"], settleMs: 3000 },
  { fault: toxic("pg-replication", { type: "latency", latencyMs: 300 }), weight: 1, holdMs: [2000, 4000], roles: ["pg-replication"], settleMs: 2000 },
  { fault: stop("redis-2"), weight: 1, holdMs: [2000, 4000], roles: ["redis-2"], settleMs: 3000 },
  { fault: restart("app-sbg"), weight: 1, holdMs: [500, 500], roles: ["app-sbg"], settleMs: 5000 },
];

const longestHold = Math.max(...CATALOG.map((f) => f.holdMs[1]));
/** After a heal, a node catches up within its settle time; the app's timeout and the scheduler add theirs. */
const longestSettle = Math.max(...CATALOG.map((f) => f.settleMs));

/**
 * The meeting stack under a seeded schedule (`npm run chaos -- --soak 10m --seed 7`): the steady-state
 * workload throughout; no acknowledged item write lost, clients read their own writes, Redis and MariaDB
 * sessions kept, reads no staler than one cache TTL plus the longest fault, and after every heal the service
 * back within a node's settle time. Origin: Jepsen's nemesis generator (a random, reproducible fault mix).
 */
export const MEETING_SOAK: SoakDefinition = {
  base: defineScenario({
    ...steadyState,
    name: "soak",
    expected: "no acknowledged write lost, read-your-writes, sessions kept, staleness bounded, service back after each heal",
    mutants: [MUTANTS.itemsNoCommit, MUTANTS.cacheNoTtl],
    phases: { steadyMs: 2000, faultMs: 0, afterMs: 3000, recoveryBoundMs: 15_000 },
    checks: (e) => [
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      readYourWrites(e.ops, { write: "item-write", read: "item-read" }),
      sessions(e.ops, { from: e.at.steady, settledAt: e.at.heal }),
      // A cut cache cannot be invalidated, and a paused or lagging replica answers late: an entry may outlive a
      // write by one TTL plus the longest fault.
      staleReads(e.ops, { bound: bound(["cache TTL", cacheTtlBound(e.spec).ms], ["longest fault hold", longestHold]) }),
      recoveredInTime(e),
    ],
  }),
  catalog: CATALOG,
  gapMs: [3000, 8000],
  checks: (e) => {
    const back = bound(["longest settle", longestSettle], ["app dep timeout", e.spec.timings.app.depTimeoutMs], ...measurement(e.spec));
    return [recoveredAfterEachFault(e, "product-read", back.ms), recoveredAfterEachFault(e, "item-write", back.ms), ...perFaultWindow(e, ["product-read", "item-write"], back.ms)];
  },
};
