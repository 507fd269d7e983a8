import cacheInvalidationFailure from "../../scenarios/cache-invalidation-failure.scenario.js";
import haproxyDown from "../../scenarios/haproxy-down.scenario.js";
import mysqlActiveDown from "../../scenarios/mysql-active-down.scenario.js";
import networkPartition from "../../scenarios/network-partition.scenario.js";
import pgPrimaryDownSync from "../../scenarios/pg-primary-down-sync.scenario.js";
import pgPrimaryDown from "../../scenarios/pg-primary-down.scenario.js";
import pgPrimaryFrozen from "../../scenarios/pg-primary-frozen.scenario.js";
import redisMasterFrozen from "../../scenarios/redis-master-frozen.scenario.js";
import siteGraCutOff from "../../scenarios/site-gra-cut-off.scenario.js";
import pgReplicaDown from "../../scenarios/pg-replica-down.scenario.js";
import redisDown from "../../scenarios/redis-down.scenario.js";
import redisMasterDown from "../../scenarios/redis-master-down.scenario.js";
import replicationLag from "../../scenarios/replication-lag.scenario.js";
import siteGraDown from "../../scenarios/site-gra-down.scenario.js";
import steadyState from "../../scenarios/steady-state.scenario.js";
import stickySessionLoss from "../../scenarios/sticky-session-loss.scenario.js";
import type { Scenario } from "./define.js";

/** Every scenario by name, in the order a full run takes them: the one registry (never a file glob). */
export const SCENARIOS: readonly Scenario[] = [
  steadyState,
  redisDown,
  redisMasterDown,
  pgReplicaDown,
  pgPrimaryDown,
  pgPrimaryDownSync,
  siteGraDown,
  mysqlActiveDown,
  stickySessionLoss,
  replicationLag,
  cacheInvalidationFailure,
  haproxyDown,
  networkPartition,
  pgPrimaryFrozen,
  redisMasterFrozen,
  siteGraCutOff,
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
