// Brownout's public API: what a team's config and scenario files import (`from "brownout"`). Everything else under
// src/ is internal and may change; what is exported here may not break.

// Config: the stack, its files, profiles and scenarios.
export { defineConfig, CONFIG_KEYS, type BrownoutConfig, type SoakDefinition } from "./config/define.js";
export { loadConfig, findConfig, CONFIG_FILES, type LoadedConfig } from "./config/load.js";
export { UserError } from "./errors.js";
export { until } from "./cluster/until.js";

// Topology: its parts, their options and timings, the started stack.
export {
  DEFAULT_TIMINGS,
  DEFAULT_MARGINS,
  FACTS_QUERY_TIMEOUT_MS,
  VERIFY_PAUSE_MS,
  DEFAULT_APP,
  NODE_ROLES,
  SLICES,
  SLICE_ROLES,
  SITES,
  APP_TEST_BUGS,
  PATCHABLE,
  resolveSpec,
  mergeSpecOptions,
  rolesOf,
  type AppEnvironmentContext,
  type AppImage,
  type AppSettings,
  type AppTestBug,
  type ConfigPatch,
  type DetectionTimings,
  type Margins,
  type NodeRole,
  type Patchable,
  type PostgresSettings,
  type RedisSettings,
  type ReadPolicy,
  type Site,
  type Slice,
  type SpecOptions,
  type StackFiles,
  type TimingOptions,
  type TopologySpec,
} from "./cluster/topology.js";
export { PROFILES, PROFILE_NAMES, type Profile } from "./cluster/profiles.js";
export { startTopology, StartedTopology, type VerifyResult } from "./stack/index.js";
export type { FaultRecorder } from "./stack/started-topology.js";

// Node kinds: the door every kind goes through (the generic node first), and a stack's declared nodes.
export type { KindOperation, NodeAddress, NodeDeclaration, NodeKind, Relayed, StackLookup } from "./nodes/kind.js";
export { GENERIC, type GenericSettings, type Health } from "./nodes/generic.js";
export { kindOnGeneric, type OnGenericOptions, type OnGenericSettings } from "./nodes/on-generic.js";
export { SHIPPED_KINDS } from "./kinds/index.js";
export { ETCD, ETCD_CLIENT_PORT, type EtcdSettings } from "./kinds/etcd/node.js";
export { PATRONI, PATRONI_DEFAULTS, PATRONI_MEMBER_REQUEST_TIMEOUT_MS, PATRONI_PORTS, patroniCluster, patroniGet, type PatroniCluster, type PatroniSettings } from "./kinds/patroni/node.js";
export { PGBOUNCER, PGBOUNCER_DEFAULTS, PGBOUNCER_PORT, pgbouncerShow, type PgbouncerSettings, type PgbouncerUser, type PoolMode } from "./kinds/pgbouncer/node.js";
export { quorumElectionTerms, RA_PERIODS, RABBITMQ, RABBITMQ_BOOT_MS, RABBITMQ_DEFAULTS, RABBITMQ_PORTS, quorumQueueState, rabbitmqGet, rabbitmqNodes, type PartitionHandling, type QueueType, type QuorumQueueState, type RabbitmqQueue, type RabbitmqNodeState, type RabbitmqSettings, type RabbitmqUser } from "./kinds/rabbitmq/node.js";
export { TOXIPROXY, type ToxiproxySettings, type LinkSettings } from "./kinds/toxiproxy/node.js";
export { APP, type AppSiteSettings } from "./kinds/app/node.js";
export { CADDY, type CaddySettings } from "./kinds/caddy/node.js";
export { nodeKind, nodeKinds, registerNodeKind } from "./nodes/registry.js";
export type { DeclaredNode } from "./nodes/start.js";
export { nodesFromCompose } from "./nodes/compose.js";
export { LINKS, TOXIC_TYPES, type LinkName, type ToxicSpec } from "./kinds/toxiproxy/links.js";
export { HAPROXY, HAPROXY_PORTS, HaproxyNode, haproxyOf, parseStats, type HaproxyFrontend, type HaproxySettings, type ServerChange, type ServerState } from "./kinds/haproxy/node.js";
export { MASTER_NAME, REDIS_NODES, REDIS_REPLICATION_PERIODS, SENTINEL_PERIODS, SENTINEL_REPLICA_VALIDITY_FACTOR, SENTINEL_TILT, SENTINELS, withRedis } from "./kinds/redis/sentinel.js";
export { REDIS, type CacheEntries, type RedisNodeSettings, type RedisReadBack, type RedisRole, redisRole } from "./kinds/redis/node.js";
export { SENTINEL, SENTINEL_DEFAULTS, type SentinelSettings, type SentinelView, sentinelMaster } from "./kinds/redis/sentinel-node.js";
export { type RedisState, redisStateOf } from "./kinds/redis/state.js";
export { PORTS } from "./cluster/containers.js";
export { PG_CREDENTIALS, PG_RESTART_DELAY_MS, PG_WAL_SEGMENT_MB, PG_WAL_VOLUME, pgConnection, pgClient, withPg } from "./kinds/postgres/pair.js";
export { POSTGRES, type PostgresNodeSettings, type PostgresReadBack, type PostgresSays, postgresProblemsOf } from "./kinds/postgres/node.js";
export { type PostgresState, postgresStateOf } from "./kinds/postgres/state.js";
export { MYSQL_CREDENTIALS, MARIADB_DEFAULTS, MYSQL_CONNECT_RETRY_MS, mysqlNodeFacts, type MysqlFacts, type MysqlNodeFacts, withMysql } from "./kinds/mariadb/pair.js";
export { MARIADB, type MariadbSettings } from "./kinds/mariadb/node.js";
export { APP_REDIS_RETRY_MS } from "./kinds/app/sites.js";
export type { Mechanisms } from "./stack/mechanisms.js";

// Faults: as data (a typed union with its constructors), interpreted against a started topology; the handle
// inject returns, so the runner heals it.
export { activeFault, type ActiveFault } from "./cluster/fault-handle.js";
export {
  FAULT_KINDS,
  describeFault,
  diskFull,
  faultPhase,
  faultTarget,
  nemesisF,
  operation,
  haproxyRestart,
  kill,
  loss,
  partition,
  pause,
  promote,
  recreate,
  restart,
  sentinelFailover,
  setServer,
  stop,
  toxic,
  type FaultKind,
  type FaultKindsListed,
  type FaultSpec,
  type NodeName,
  type PartitionSide,
} from "./faults/spec.js";
export { injectFault } from "./stack/inject.js";
export type { LossMechanism } from "./cluster/packet-loss.js";

// Workload: the history, clients and probes.
export { History, type Mark } from "./workload/history.js";
export { HttpClient, cookieHeader, type HttpResult } from "./workload/http-client.js";
export { Scheduler, type Probe, type ProbeOutcome } from "./workload/scheduler.js";
export { NEMESIS, completions, type Op, type OpType, type OpF, type OpValue, type Completed } from "./workload/op.js";
export { SignallingClient } from "./workload/signalling-client.js";
export { httpProbe, classifyHttp, SESSION_LOST, type HttpProbeOptions, type HttpClassification } from "./workload/http-probe.js";
export { CookieJar, httpLogin } from "./workload/cookie-jar.js";
export {
  sqlProbe,
  queryRows,
  redisProbe,
  classifyClientError,
  type SqlProbeOptions,
  type SqlTarget,
  type RedisProbeOptions,
  type DataClassification,
} from "./workload/data-probes.js";
export { amqpConsumer, amqpPublisher, drainQueue, type AmqpQueueOptions, type AmqpTarget } from "./workload/amqp-probes.js";
export {
  sessionRead,
  productWrite,
  productRead,
  productInsert,
  itemWrite,
  itemUpsert,
  seedItemCreate,
  seedItemUpdate,
  seedSessionWrite,
  sessionNoteWrite,
  sessionNoteKeys,
  itemRead,
  wsPing,
  healthProbe,
  healthStates,
  type ClientMemory,
  type Target,
} from "./workload/probes.js";

// Checks: pure functions of the history, each with a reason; controls; bounds from the configured timings.
export { result, control, readback, asControl, within, round, type CheckResult, type CheckKind, type Validity, type Figure, type Span } from "./assertions/check.js";
export { bound, asBound, slowest, type Bound, type Term } from "./assertions/bound.js";
export { compose } from "./assertions/compose.js";
export { failover, noFailures, measureFailover, unavailability, type FailoverOptions, type FailoverMeasure, type Window } from "./assertions/availability.js";
export { lostWrites, type LostWriteOptions, type LossWindow } from "./assertions/lost-writes.js";
export { amqpChannelOf, queueDeliveries, type QueueDeliveryOptions } from "./assertions/queue.js";
export { failsFastAndClearly, type FailFastOptions } from "./assertions/fail-fast.js";
export { cacheAsideStaleness, explainStaleCacheRead, type CacheAsideOptions, type StaleCacheReason } from "./assertions/cache-aside.js";
export { finalKeys, finalRows, finalReadsOf, FINAL_READ, type FinalValue } from "./workload/final-read.js";
export { divergence, diffRows, keysWrittenIn, type DivergenceOptions, type RowDiff, type RowsByKey } from "./assertions/divergence.js";
export { readYourWrites, clientOf, type RywOptions } from "./assertions/read-your-writes.js";
export { recovery, type RecoveryFacts } from "./assertions/recovery.js";
export { sessions, countSessions, type SessionOptions, type SessionCount } from "./assertions/sessions.js";
export { staleReads, findStaleReads, type StaleRead, type StaleReadOptions, type StaleKinds } from "./assertions/stale-reads.js";

// Scenarios: defining one, its phases and helpers, running it.
export {
  defineScenario,
  phasesFor,
  probeTimeout,
  holdFault,
  holdUntilServed,
  servedAgainAt,
  faultThenHeal,
  faultTimeline,
  recoveredInTime,
  faultInForceAt,
  healAskedAt,
  measurement,
  OBSERVE_MS,
  HYPOTHESIS_INTERVALS,
  hypothesisWindowMs,
  type Scenario,
  type Mutant,
  type Demonstration,
  type Phases,
  type PhasesSpec,
  type RunContext,
  type Workload,
  type FinalRead,
  type Evidence,
  type TimelineStep,
} from "./scenario/define.js";
export { clientReconnectsTerms, haproxySeesUp, haproxySeesUpTerms, nothingToRecover, recoveryBound, verifySeesTerms } from "./scenario/recovery-bounds.js";
export { MECHANISMS, mechanismControls, stepsRanAsDeclared, type Mechanism } from "./scenario/controls.js";
export type { JournalStep } from "./scenario/nemesis.js";
export { targets, seedProducts, login, productsOnPrimary, itemsOnEachNode, union, pgRowsByKey, mysqlRowsByKey, rowsByKey, sqlTarget, type RowSelection, type Targets } from "./scenario/workloads.js";
export { runScenario, type RunOptions } from "./scenario/run.js";
export { editedFile, type FileEdit } from "./scenario/edited-file.js";
export { runSuite, type SuiteOptions, type SuiteRun } from "./runner/suite.js";
export { ScenarioRegistry } from "./scenario/registry.js";
export { soakSchedule, soakScenario, soakTimeline, runSchedule, recoveredAfterEachFault, perFaultWindow, type SoakFault, type SoakStep, type SoakOptions } from "./scenario/soak.js";
export { faultWindows, type FaultWindow } from "./scenario/nemesis.js";
export { describeScenario } from "./scenario/dry-run.js";
export type { ScenarioResult, ScenarioStatus } from "./scenario/result.js";
