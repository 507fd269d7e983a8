import cacheInvalidationFailure from "./cache-invalidation-failure.scenario.js";
import haproxyDown from "./haproxy-down.scenario.js";
import mysqlActiveDown from "./mysql-active-down.scenario.js";
import mysqlSplitBrain from "./mysql-split-brain.scenario.js";
import mysqlSplitBrainNoFailback from "./mysql-split-brain-no-failback.scenario.js";
import networkPartition from "./network-partition.scenario.js";
import pgPrimaryDownSync from "./pg-primary-down-sync.scenario.js";
import pgPrimaryDown from "./pg-primary-down.scenario.js";
import pgPrimaryFrozen from "./pg-primary-frozen.scenario.js";
import pgOldPrimaryReturns from "./pg-old-primary-returns.scenario.js";
import pgOldPrimaryReturnsFenced from "./pg-old-primary-returns-fenced.scenario.js";
import pgDualWrite from "./pg-dual-write.scenario.js";
import pgDualWriteStreaming from "./pg-dual-write-streaming.scenario.js";
import pgPrimaryDiskFull from "./pg-primary-disk-full.scenario.js";
import redisMasterFrozen from "./redis-master-frozen.scenario.js";
import siteGraCutOff from "./site-gra-cut-off.scenario.js";
import pgReplicaDown from "./pg-replica-down.scenario.js";
import pgReplicationPacketLoss from "./pg-replication-packet-loss.scenario.js";
import redisDown from "./redis-down.scenario.js";
import redisMasterDown from "./redis-master-down.scenario.js";
import redisPacketLoss from "./redis-packet-loss.scenario.js";
import sentinelClockJump from "./sentinel-clock-jump.scenario.js";
import redisSplitBrain from "./redis-split-brain.scenario.js";
import redisSplitBrainBounded from "./redis-split-brain-bounded.scenario.js";
import replicationLag from "./replication-lag.scenario.js";
import siteGraDown from "./site-gra-down.scenario.js";
import steadyState from "./steady-state.scenario.js";
import stickySessionLoss from "./sticky-session-loss.scenario.js";
import type { Scenario } from "../src/index.js";

/** The meeting stack's scenarios, in the order a full run takes them (steady state first: the baseline). */
export const MEETING_SCENARIOS: readonly Scenario[] = [
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
  redisSplitBrain,
  redisSplitBrainBounded,
  pgOldPrimaryReturns,
  pgOldPrimaryReturnsFenced,
  redisPacketLoss,
  pgReplicationPacketLoss,
  mysqlSplitBrain,
  mysqlSplitBrainNoFailback,
  sentinelClockJump,
  pgDualWrite,
  pgDualWriteStreaming,
  pgPrimaryDiskFull,
];
