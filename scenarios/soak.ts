import { APP_REDIS_RETRY_MS, type Bound, bound, clientReconnectsTerms, defineScenario, haproxySeesUp, recoveryBound, slowest, type TopologySpec, lostWrites, measurement, pause, partition, perFaultWindow, readYourWrites, recoveredAfterEachFault, recoveredInTime, restart, sessions, type SoakDefinition, type SoakFault, staleReads, stop, toxic } from "../src/index.js";
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

/**
 * How long after each catalog fault's heal its node is usable again, derived from the stack's timings (settleMs
 * above only spaces the schedule): the slowest of them bounds every fault's return.
 */
function nodeBack(spec: TopologySpec): Record<string, Bound> {
  const caddy = spec.timings.caddy;
  return {
    "app-redis reconnected": bound(...clientReconnectsTerms(spec, APP_REDIS_RETRY_MS)),
    "HAProxy sees pg-replica up": haproxySeesUp(spec),
    "mysql pair's stream resumed (TCP backoff, at most the longest cut)": bound(["longest cut", Math.max(...CATALOG.filter((f) => f.fault.kind === "partition").map((f) => f.holdMs[1]))]),
    "WAL in flight in the latency toxic": bound(["latency", Math.max(...CATALOG.flatMap((f) => (f.fault.kind === "toxic" && f.fault.toxic.type === "latency" ? [f.fault.toxic.latencyMs] : [])))]),
    "app-sbg back in HAProxy and Caddy": bound(slowest({ HAProxy: haproxySeesUp(spec), "Caddy's next active check": bound(["health_interval", caddy.healthIntervalMs], ["health_timeout", caddy.healthTimeoutMs]) })),
  };
}

export const MEETING_SOAK: SoakDefinition = {
  base: defineScenario({
    ...steadyState,
    name: "soak",
    expected: "no acknowledged write lost, read-your-writes, sessions kept, staleness bounded, service back after each heal",
    mutants: [MUTANTS.itemsNoCommit, MUTANTS.cacheNoTtl],
    // Every fault is healed and settled before the schedule ends: only verify()'s own look is left.
    phases: (spec) => ({ faultMs: 0, afterMs: 3000, recovery: recoveryBound(spec) }),
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
    const back = bound(slowest(nodeBack(e.spec)), ["app dep timeout (an op under way)", e.spec.timings.app.depTimeoutMs], ...measurement(e.spec));
    return [recoveredAfterEachFault(e, "product-read", back.ms), recoveredAfterEachFault(e, "item-write", back.ms), ...perFaultWindow(e, ["product-read", "item-write"], back.ms)];
  },
};
