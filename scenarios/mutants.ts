import type { AppTestBug, ConfigPatch, Mutant } from "../src/index.js";

/**
 * Realistic regressions of the meeting stack: what a team really gets wrong in its app, its HAProxy and Caddy
 * configs, its Sentinel and Postgres settings. Each scenario names the ones it must catch (`npm run chaos --
 * --mutants`). Config patches name the exact text they change: if a template changes under them, rendering fails
 * instead of a mutant silently becoming the unmutated stack.
 */
/**
 * Seed 000's protection against a flapping active node: mysql-2 stays a `backup`, and once it took over every
 * connection sticks to it (one stick-table entry for the frontend's address) until an operator, having checked
 * that mysql-1 caught up, fails back by hand; no automatic fail-back (`on-marked-up shutdown-backup-sessions`).
 */
export const mysqlNoFailBack: readonly ConfigPatch[] = [
  {
    file: "haproxy",
    find: "  option mysql-check user haproxy_check post-41\n",
    replace: "  option mysql-check user haproxy_check post-41\n  stick-table type ip size 1 expire 1d\n  stick on dst\n  option redispatch\n",
  },
  // Clients leave mysql-1 when it is marked down (as every server does, by default-server), not when it returns.
  { file: "haproxy", find: "server mysql-1 mysql-1:3306 check on-marked-up shutdown-backup-sessions", replace: "server mysql-1 mysql-1:3306 check on-marked-down shutdown-sessions" },
];

const appBug = (bug: AppTestBug, regression: string): Mutant => ({ name: bug, regression, deploy: { app: { testBugs: [bug] } } });

export const MUTANTS = {
  cacheErrorsFailRequests: appBug("cache-errors-fail-requests", "the cache read is no longer wrapped in its try/catch: a Redis error becomes a 503 instead of a read from the database"),
  healthRequiresAllDeps: appBug("health-requires-all-deps", "/health answers 503 when any dependency is down, the optional cache included: both sites leave the proxies when Redis does"),
  healthIgnoresDeps: appBug("health-ignores-deps", "/health was simplified to a static 200: proxies keep sending users to a site that cannot reach its databases"),
  cacheInvalidationWrongKey: appBug("cache-invalidation-wrong-key", "the cache key was renamed in the read path only (`product:` → `products:` in the write's DEL): every write reports its entry invalidated and the old entry stays until its TTL"),
  dependencyErrorsAs500: appBug("dependency-errors-as-500", "a generic error middleware added in front of the routes answers every failure 500 query_failed: users and proxies can no longer tell a database outage from a bug"),
  cacheNoTtl: appBug("cache-no-ttl", "the cache write lost its EX argument: an entry whose invalidation was missed is served stale forever"),
  itemsNoCommit: appBug("items-no-commit", "the pool was set to autocommit=0 and the item write never commits: the client is told OK, the row is gone"),
  sharedSessionsInMemory: appBug("shared-sessions-in-memory", "the shared session stores fall back to process memory (a store that swallowed its connection error at start)"),
  strictReadsFallBack: appBug("strict-reads-fall-back", "the strict read policy quietly falls back to the primary, so a read-only site loads the primary the runbook keeps free"),
  noDepTimeout: appBug("no-dep-timeout", "the dependency timeout wrapper was removed: calls wait on the drivers' defaults, and a dead server hangs requests"),
  redisWithoutSentinel: appBug("redis-without-sentinel", "the app names the Redis master's host instead of the Sentinels (the seed's 'Redis simple' option): a failover is never followed"),
  sentinelDownAfter30s: {
    name: "sentinel-down-after-30s",
    regression: "Sentinel's down-after-milliseconds left at Redis's default 30000 in a stack whose runbook promises one-second detection",
    deploy: { timings: { sentinel: { downAfterMs: 30_000 } } },
  },
  sentinelDownAfter200ms: {
    name: "sentinel-down-after-200ms",
    regression: "Sentinel's down-after-milliseconds cut to 200 to fail over faster: under the retransmissions of an ordinary lossy link, a live master is taken for down",
    deploy: { timings: { sentinel: { downAfterMs: 200 } } },
  },
  asyncReplication: {
    name: "replication-async",
    regression: "synchronous_standby_names lost in a config reload: commits no longer wait for the replica",
    deploy: { postgres: { synchronous: false } },
  },
  syncCommitLocal: {
    name: "pg-synchronous-commit-local",
    regression: "synchronous_commit = local set on the primary to cut write latency: pg_stat_replication still says sync, but commits no longer wait for the standby",
    deploy: { postgres: { primarySettings: { synchronous_commit: "local" } } },
  },
  replicaApplyDelay: {
    name: "replica-apply-delay-3s",
    regression: "recovery_min_apply_delay = 3s copied from the delayed backup standby's config onto the hot standby that serves reads",
    deploy: { postgres: { replicaSettings: { recovery_min_apply_delay: "3000" } } },
  },
  pgReadToPrimary: {
    name: "pg-read-to-primary",
    regression: "HAProxy's pg-read backend pointed at the primary (a quick fix during an incident that stayed): the reads the app thinks are replica reads are not",
    deploy: {
      patches: [
        {
          file: "haproxy",
          find: "option httpchk GET /replica\n  http-check expect status 200\n  server pg-replica pg-replica:5432 check port 8008",
          replace: "option httpchk GET /primary\n  http-check expect status 200\n  server pg-primary pg-primary:5432 check port 8008",
        },
      ],
    },
  },
  pgWriteTcpCheck: {
    name: "haproxy-pg-write-tcp-check",
    regression: "pg-write's `option httpchk GET /primary` replaced by a plain TCP `check` (as the seed stacks write it): HAProxy sends writes to whichever node accepts a connection, the read-only standby included",
    deploy: { patches: [{ file: "haproxy", find: "option httpchk GET /primary\n  http-check expect status 200\n", replace: "" }] },
  },
  haproxyWebTcpCheck: {
    name: "haproxy-web-tcp-check",
    regression: "the web backend's `option httpchk GET /health` dropped for a plain `check` (as the seed stacks write it): HAProxy only sees the port open, not that the site cannot serve",
    deploy: { patches: [{ file: "haproxy", find: "option httpchk GET /health\n  http-check expect status 200\n", replace: "" }] },
  },
  healthTimeoutAsDepTimeout: {
    name: "health-timeout-as-dep-timeout",
    regression: "APP_HEALTH_TIMEOUT_MS dropped, so /health waits the full dependency timeout: longer than the proxies' check timeouts, a hung dependency takes every site out",
    deploy: { timings: { app: { healthTimeoutMs: 800 } } },
  },
  bothSitesStrict: {
    name: "both-sites-strict",
    regression: "APP_READ_POLICY=strict set in the shared config for both sites, so no site falls back to the primary",
    deploy: { app: { readPolicy: "strict" } },
  },
  mysqlActiveNoCheck: {
    name: "haproxy-mysql-1-no-check",
    regression: "the `check` keyword dropped from mysql-1's server line: HAProxy never marks it down and never uses the backup",
    deploy: { patches: [{ file: "haproxy", find: "server mysql-1 mysql-1:3306 check ", replace: "server mysql-1 mysql-1:3306 " }] },
  },
  haproxyPersist: {
    name: "haproxy-persist-not-redispatch",
    regression: "`option redispatch` replaced by `option persist` (to keep carts on one server): users pinned to a dead site stay pinned",
    deploy: { patches: [{ file: "haproxy", find: "option redispatch", replace: "option persist" }] },
  },
  caddyRandomPolicy: {
    name: "caddy-lb-policy-random",
    regression: "`lb_policy first` removed from the Caddyfile: Caddy's default spreads users over both sites at random",
    deploy: { patches: [{ file: "caddy", find: "lb_policy first", replace: "lb_policy random" }] },
  },
  pgWriteBalanceFirst: {
    name: "haproxy-pg-write-balance-first",
    regression: "`balance first` added to pg-write (\"one writer at a time\"): with two primaries UP, every new connection goes to the first server listed, the old primary",
    deploy: { patches: [{ file: "haproxy", find: "listen pg-write\n  mode tcp\n", replace: "listen pg-write\n  mode tcp\n  balance first\n" }] },
  },
  mysqlFailBack: {
    name: "haproxy-mysql-auto-failback",
    regression: "the mysql section copied back from the template that fails back at once: no stick table, and mysql-1's return cuts the backup's sessions (on-marked-up shutdown-backup-sessions), before it caught up",
    deploy: {
      patches: [
        { file: "haproxy", find: "  stick-table type ip size 1 expire 1d\n  stick on dst\n", replace: "" },
        { file: "haproxy", find: "server mysql-1 mysql-1:3306 check on-marked-down shutdown-sessions", replace: "server mysql-1 mysql-1:3306 check on-marked-up shutdown-backup-sessions" },
      ],
    },
  },
  haproxySlowChecks: {
    name: "haproxy-checks-inter-10s",
    regression: "HAProxy's check `inter`/`downinter` left at 10 s (a copy of a config tuned for a slow WAN link): a server that changed role is seen ten times later",
    deploy: { timings: { haproxy: { interMs: 10_000, downInterMs: 10_000 } } },
  },
  redisAofOff: {
    name: "redis-appendonly-off",
    regression: "`--appendonly yes` dropped from the Redis command line (as in the seed's plain compose): a master killed and restarted comes back empty, and its replica resyncs to nothing",
    deploy: { redis: { appendOnly: false } },
  },
  minReplicasOff: {
    name: "redis-min-replicas-off",
    regression: "min-replicas-to-write dropped from redis.conf when it was regenerated from the package's default (0): an isolated master takes writes for as long as the split lasts",
    deploy: { redis: { minReplicasToWrite: 0 } },
  },
  minReplicasFirstMasterOnly: {
    name: "redis-min-replicas-first-master-only",
    regression: "min-replicas-to-write added to redis-1's redis.conf by hand during an incident, never to the replica's: the protection is gone after the first failover",
    deploy: { redis: { minReplicasOnFirstMasterOnly: true } },
  },
  minReplicasMaxLag10s: {
    name: "redis-min-replicas-max-lag-10s",
    regression: "min-replicas-max-lag left at Redis's default 10 s while the runbook promises a one-second loss window",
    deploy: { redis: { minReplicasMaxLagS: 10 } },
  },
  dualWriteOff: {
    name: "dual-write-off",
    regression: "APP_PG_DB2 lost when the sites' environment moved to a secrets file: the app writes the first database only, and the second silently receives nothing",
    deploy: { app: { dualWrite: "off" } },
  },
  dualWriteAckAll: {
    name: "dual-write-ack-all",
    regression: "the dual write's error handling tightened to fail a request unless both databases took it (no compensation): one database down fails every write",
    deploy: { app: { dualWrite: "all" } },
  },
  cacheTtl30s: {
    name: "cache-ttl-30s",
    regression: "APP_CACHE_TTL_S raised to 30 for hit rate, with the invalidation path untested",
    deploy: { app: { cacheTtlS: 30 } },
  },
} satisfies Record<string, Mutant>;
