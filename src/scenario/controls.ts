import { type CheckResult, control, readback } from "../assertions/check.js";
import { PORTS } from "../cluster/containers.js";
import type { Mechanisms, PostgresReadBack, RedisReadBack, SentinelView } from "../stack/mechanisms.js";
import { REDIS_NODES, SENTINELS } from "../kinds/redis/sentinel.js";
import type { CaddyView } from "../kinds/caddy/mechanism.js";
import type { HaproxyView } from "../kinds/haproxy/mechanism.js";
import { MYSQL_ROLES, type MysqlFacts } from "../kinds/mariadb/pair.js";
import { SITES, type Site, type TopologySpec, readPolicyOf } from "../cluster/topology.js";
import { NEMESIS } from "../workload/op.js";
import type { Completed } from "../workload/op.js";
import type { TimelineStep } from "./timeline-step.js";
import type { JournalStep } from "./nemesis.js";

/** The protective mechanisms a scenario relies on; each one's positive control reads it back from the servers. */
export const MECHANISMS = ["sentinel", "haproxy-checks", "pg-streaming", "caddy-failover", "app-settings", "mysql-replication", "cache-ttl", "dual-write"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** Caddy's dial timeout when the config names none (Caddy 2.5 and later). */
const CADDY_DEFAULT_DIAL_TIMEOUT_MS = 3000;

const isError = (v: object): v is { readonly error: string } => !Array.isArray(v) && "error" in v;

type ReadError = { readonly error: string };

/** HAProxy's checks and running config, as the haproxy kind read them back from the node named haproxy. */
function haproxyOfMechanisms(m: Mechanisms): HaproxyView | ReadError | undefined {
  return m.nodes?.haproxy as HaproxyView | ReadError | undefined;
}

/** Each MariaDB node's replication state, as the mariadb kind read it back from mysql-1 and mysql-2. */
function mysqlOf(m: Mechanisms): MysqlFacts | undefined {
  const read = Object.fromEntries(MYSQL_ROLES.flatMap((role) => (m.nodes?.[role] === undefined ? [] : [[role, m.nodes[role]]])));
  return Object.keys(read).length > 0 ? (read as MysqlFacts) : undefined;
}

/** The read-backs of these nodes, those the topology runs, by name; the first read's error; undefined if it runs none. */
function readBacksOf<T extends object>(m: Mechanisms, names: readonly string[]): Map<string, T> | ReadError | undefined {
  const read = names.flatMap((n) => (m.nodes?.[n] === undefined ? [] : [[n, m.nodes[n] as T | ReadError] as const]));
  if (read.length === 0) return undefined;
  return read.map(([, v]) => v).find((v): v is ReadError => isError(v)) ?? new Map(read as (readonly [string, T])[]);
}

/** Each Sentinel's view of its master, as the sentinel kind read it back from sentinel-1..3 (or the first read's error). */
function sentinelsOf(m: Mechanisms): readonly SentinelView[] | ReadError | undefined {
  const read = readBacksOf<SentinelView>(m, SENTINELS);
  return read instanceof Map ? [...read.values()] : read;
}

/** The Redis node that calls itself master, as the redis kind read it back (its cache entries with it). */
function redisMasterOf(m: Mechanisms): (RedisReadBack & { readonly name: string }) | ReadError | undefined {
  const read = REDIS_NODES.flatMap((r) => (m.nodes?.[r] === undefined ? [] : [[r, m.nodes[r] as RedisReadBack | ReadError] as const]));
  if (read.length === 0) return undefined;
  const master = read.find(([, v]) => !isError(v) && v.role === "master");
  if (master && !isError(master[1])) return { ...master[1], name: master[0] };
  return read.map(([, v]) => v).find((v): v is ReadError => isError(v)) ?? { error: "no Redis node answers as master" };
}

/** Caddy's loaded config, as the caddy kind read it back from the node named caddy. */
function caddyOf(m: Mechanisms): CaddyView | ReadError | undefined {
  return m.nodes?.caddy as CaddyView | ReadError | undefined;
}

/** Each site's APP_* environment, as the app kind read it back from app-gra and app-sbg (or the first read's error). */
function sitesOf(m: Mechanisms): Readonly<Record<Site, Readonly<Record<string, string>>>> | ReadError | undefined {
  const read = readBacksOf<Readonly<Record<string, string>>>(m, SITES.map((site) => `app-${site}`));
  if (!(read instanceof Map)) return read;
  return Object.fromEntries(SITES.map((site) => [site, read.get(`app-${site}`) ?? {}])) as Record<Site, Readonly<Record<string, string>>>;
}

/** Differences between what runs and what the spec says, as `name: running ≠ spec` lines. */
function diff(pairs: readonly (readonly [string, unknown, unknown])[]): string[] {
  return pairs.filter(([, running, wanted]) => running !== wanted).map(([name, running, wanted]) => `${name} ${String(running)} ≠ spec ${String(wanted)}`);
}

function sentinel(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: Sentinel as configured";
  const views = sentinelsOf(m);
  if (!views) return readback(name, "unknown", "no Sentinels in this topology");
  if (isError(views)) return readback(name, false, `could not read SENTINEL MASTER: ${views.error}`);
  const list: readonly SentinelView[] = views;
  const t = spec.timings.sentinel;
  const off = list.flatMap((v) =>
    diff([
      [`${v.sentinel} down-after-milliseconds`, v.downAfterMs, t.downAfterMs],
      [`${v.sentinel} failover-timeout`, v.failoverTimeoutMs, t.failoverTimeoutMs],
      [`${v.sentinel} quorum`, v.quorum, t.quorum],
      [`${v.sentinel} replicas known`, v.replicas, 1],
      [`${v.sentinel} other Sentinels known`, v.otherSentinels, list.length - 1],
    ]),
  );
  const masters = [...new Set(list.map((v) => v.master))];
  if (masters.length !== 1) off.push(`Sentinels disagree on the master: ${masters.join(", ")}`);
  return readback(
    name,
    list.length > 0 && off.length === 0,
    off.length
      ? off.join("; ")
      : `${String(list.length)} Sentinels watch ${masters[0] ?? "?"}: down-after ${String(t.downAfterMs)} ms, failover-timeout ${String(t.failoverTimeoutMs)} ms, quorum ${String(t.quorum)}, 1 replica and ${String(list.length - 1)} peers each`,
  );
}

function haproxyChecks(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: HAProxy health checks as configured";
  const v = haproxyOfMechanisms(m);
  if (!v) return readback(name, "unknown", "no HAProxy in this topology");
  if (isError(v)) return readback(name, false, `could not read HAProxy: ${v.error}`);
  const h = spec.timings.haproxy;
  const off = v.servers.flatMap((s) =>
    s.checkStatus === "" ? [`${s.backend}/${s.server} has no health check`] : diff([[`${s.backend}/${s.server} rise`, s.rise, h.rise], [`${s.backend}/${s.server} fall`, s.fall, h.fall]]),
  );
  // Settings as whole words, never substrings: `inter 500ms` is not satisfied by `fastinter 500ms`.
  for (const line of [`inter ${String(h.interMs)}ms`, `downinter ${String(h.downInterMs)}ms`, `timeout check ${String(h.checkTimeoutMs)}ms`]) {
    if (!new RegExp(`(^|\\s)${line}(\\s|$)`, "m").test(v.config)) off.push(`the running config has no '${line}'`);
  }
  return readback(
    name,
    v.servers.length > 0 && off.length === 0,
    off.length ? off.join("; ") : `${String(v.servers.length)} servers checked (${v.servers.map((s) => `${s.server} ${s.checkStatus}`).join(", ")}): inter ${String(h.interMs)} ms, fall ${String(h.fall)}, rise ${String(h.rise)}, timeout ${String(h.checkTimeoutMs)} ms`,
  );
}

function pgStreaming(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: Postgres streaming replication as configured";
  const [primary, replica] = (["pg-primary", "pg-replica"] as const).map((n) => m.nodes?.[n] as PostgresReadBack | ReadError | undefined);
  if (!primary || !replica) return readback(name, "unknown", "no Postgres pair in this topology");
  const error = [primary, replica].find((x): x is ReadError => isError(x));
  if (error) return readback(name, false, `could not read Postgres: ${error.error}`);
  const p = primary as PostgresReadBack;
  const r = replica as PostgresReadBack;
  const v = {
    replication: p.role === "primary" ? (p.replication["pg-replica"] ?? null) : null,
    synchronousStandbyNames: p.role === "primary" ? p.synchronousStandbyNames : "",
    walReceiverTimeoutMs: r.role === "replica" ? r.walReceiverTimeoutMs : Number.NaN,
    recoveryMinApplyDelayMs: r.role === "replica" ? r.recoveryMinApplyDelayMs : Number.NaN,
  };
  const sync = spec.postgres.synchronous;
  const off = diff([
    ["replication state", v.replication?.state ?? "absent", "streaming"],
    ["sync_state", v.replication?.syncState ?? "absent", sync ? "sync" : "async"],
    ["wal_receiver_timeout (ms)", v.walReceiverTimeoutMs, spec.timings.postgres.walReceiverTimeoutMs],
    ["recovery_min_apply_delay (ms)", v.recoveryMinApplyDelayMs, Number(spec.postgres.replicaSettings.recovery_min_apply_delay ?? 0)],
  ]);
  return readback(
    name,
    off.length === 0,
    off.length ? off.join("; ") : `pg-replica streaming (${sync ? "sync" : "async"}${sync ? `, synchronous_standby_names ${v.synchronousStandbyNames}` : ""}), wal_receiver_timeout ${String(v.walReceiverTimeoutMs)} ms, no apply delay`,
  );
}

function caddyFailover(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: Caddy failover as configured";
  const v = caddyOf(m);
  if (!v) return readback(name, "unknown", "no Caddy in this topology");
  if (isError(v)) return readback(name, false, `could not read Caddy's config: ${v.error}`);
  const c = spec.timings.caddy;
  // A directive the config leaves out runs Caddy's default: no retry, a 3 s dial timeout.
  const off = diff([
    ["lb_policy", v.policy, "first"],
    ["upstreams", v.upstreams.join(" "), SITES.map((s) => `app-${s}:8080`).join(" ")],
    ["health_uri", v.healthUri, "/health"],
    ["health_interval (ms)", v.healthIntervalMs, c.healthIntervalMs],
    ["health_timeout (ms)", v.healthTimeoutMs, c.healthTimeoutMs],
    ["fail_duration (ms)", v.failDurationMs, c.failDurationMs],
    ["max_fails", v.maxFails, c.maxFails],
    ["lb_try_duration (ms)", v.tryDurationMs ?? 0, c.tryDurationMs],
    ["dial_timeout (ms)", v.dialTimeoutMs ?? CADDY_DEFAULT_DIAL_TIMEOUT_MS, c.dialTimeoutMs],
  ]);
  return readback(
    name,
    off.length === 0,
    off.length ? off.join("; ") : `lb_policy first over ${v.upstreams.join(", ")}; active /health every ${String(c.healthIntervalMs)} ms (timeout ${String(c.healthTimeoutMs)} ms); passive fail_duration ${String(c.failDurationMs)} ms, max_fails ${String(v.maxFails)}; lb_try_duration ${String(c.tryDurationMs)} ms; dial_timeout ${String(c.dialTimeoutMs)} ms`,
  );
}

function appSettings(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: app sites run the configured timeouts and policies";
  const v = sitesOf(m);
  if (!v) return readback(name, "unknown", "no app sites in this topology");
  if (isError(v)) return readback(name, false, `could not read the sites' environment: ${v.error}`);
  const off = SITES.flatMap((site) =>
    diff([
      [`${site} APP_DEP_TIMEOUT_MS`, v[site].APP_DEP_TIMEOUT_MS, String(spec.timings.app.depTimeoutMs)],
      [`${site} APP_CACHE_TTL_S`, v[site].APP_CACHE_TTL_S, String(spec.app.cacheTtlS)],
      [`${site} APP_READ_POLICY`, v[site].APP_READ_POLICY, readPolicyOf(spec.app, site)],
      [`${site} APP_HEALTH_TIMEOUT_MS`, v[site].APP_HEALTH_TIMEOUT_MS, String(spec.timings.app.healthTimeoutMs)],
    ]),
  );
  // /health must answer before the proxies give up on it, or a hung dependency takes a healthy site out of both.
  const health = spec.timings.app.healthTimeoutMs;
  const checks = Math.min(spec.timings.caddy.healthTimeoutMs, spec.timings.haproxy.checkTimeoutMs);
  if (health >= checks) off.push(`health timeout ${String(health)} ms is not below the proxies' check timeouts (Caddy ${String(spec.timings.caddy.healthTimeoutMs)} ms, HAProxy ${String(spec.timings.haproxy.checkTimeoutMs)} ms)`);
  return readback(
    name,
    off.length === 0,
    off.length ? off.join("; ") : `both sites: dependency timeout ${String(spec.timings.app.depTimeoutMs)} ms, health probes ${String(health)} ms (under the proxies' ${String(checks)} ms), cache TTL ${String(spec.app.cacheTtlS)} s, read policy gra ${readPolicyOf(spec.app, "gra")} / sbg ${readPolicyOf(spec.app, "sbg")}`,
  );
}

/** Seed 001's dual write: both sites are told about the second database, with the spec's acknowledgement policy. */
function dualWrite(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: the app writes seed 001's tables to both databases";
  const v = sitesOf(m);
  if (!v) return readback(name, "unknown", "no app sites in this topology");
  if (isError(v)) return readback(name, false, `could not read the sites' environment: ${v.error}`);
  if (!spec.postgres.db2) return readback(name, false, "the spec has no second database (postgres.db2)");
  const on = spec.app.dualWrite !== "off";
  const off = SITES.flatMap((site) =>
    diff([
      [`${site} APP_PG_DB2`, v[site].APP_PG_DB2, on ? `pg-db2:${String(PORTS.postgres)}` : undefined],
      [`${site} APP_PG_DB2_ACK`, v[site].APP_PG_DB2_ACK, on ? spec.app.dualWrite : undefined],
    ]),
  );
  return readback(name, off.length === 0, off.length ? off.join("; ") : on ? `both sites write to pg-primary (through pg-write) and to pg-db2, acknowledging when ${spec.app.dualWrite === "any" ? "one database" : "both databases"} took a write` : "both sites write to pg-primary only, as the spec says");
}

function mysqlReplication(m: Mechanisms): CheckResult {
  const name = "mechanism: MariaDB replication both ways";
  const v = mysqlOf(m);
  if (!v) return readback(name, "unknown", "no MariaDB pair in this topology");
  const off = Object.entries(v).flatMap(([role, n]) =>
    "unreachable" in n ? [`${role} unreachable: ${n.unreachable}`] : n.io === "Yes" && n.sql === "Yes" ? [] : [`${role} IO ${n.io}, SQL ${n.sql}${n.lastError ? ` (${n.lastError})` : ""}`],
  );
  return readback(name, off.length === 0, off.length ? off.join("; ") : "mysql-1 and mysql-2 each replicate the other (IO and SQL threads running)");
}

/** Cache-aside bounds staleness by expiry: every cached entry must expire within the configured TTL. */
function cacheTtl(m: Mechanisms, spec: TopologySpec): CheckResult {
  const name = "mechanism: cache entries expire within the TTL";
  const master = redisMasterOf(m);
  if (!master) return readback(name, "unknown", "no Redis in this topology");
  if (isError(master)) return readback(name, false, `could not read the cache: ${master.error}`);
  const v = { master: master.name, ...(master.cache ?? { entries: 0, withoutTtl: 0, maxTtlS: null }) };
  if (v.entries === 0) return readback(name, "unknown", `no cache entry on ${v.master} during the steady window`);
  const ttl = spec.app.cacheTtlS;
  return readback(
    name,
    v.withoutTtl === 0 && (v.maxTtlS ?? 0) <= ttl,
    `${String(v.entries)} entries on ${v.master}: ${String(v.withoutTtl)} without expiry, longest TTL left ${String(v.maxTtlS)} s (configured ${String(ttl)} s)`,
    { entries: v.entries, withoutTtl: v.withoutTtl },
  );
}

/** Positive controls for the mechanisms a scenario relies on, read back before the fault, against the spec. */
export function mechanismControls(m: Mechanisms, spec: TopologySpec, wanted: readonly Mechanism[]): CheckResult[] {
  const one: Record<Mechanism, () => CheckResult> = {
    sentinel: () => sentinel(m, spec),
    "haproxy-checks": () => haproxyChecks(m, spec),
    "pg-streaming": () => pgStreaming(m, spec),
    "caddy-failover": () => caddyFailover(m, spec),
    "app-settings": () => appSettings(m, spec),
    "mysql-replication": () => mysqlReplication(m),
    "cache-ttl": () => cacheTtl(m, spec),
    "dual-write": () => dualWrite(m, spec),
  };
  return wanted.map((w) => one[w]());
}

/**
 * The fault steps the scenario declares were the ones that ran: every declared target (but a heal's) appears in
 * the journal, and every journal step worked. A method that silently skipped its fault is caught here.
 */
export function stepsRanAsDeclared(declared: readonly TimelineStep[], journal: readonly JournalStep[]): CheckResult {
  const name = "fault steps ran as declared";
  const wanted = declared.filter((s) => !s.action.startsWith("heal") && s.target !== "-" && s.action !== "nothing");
  const missing = wanted.filter((s) => !journal.some((j) => j.phase !== "heal" && j.target === s.target));
  const failed = journal.filter((j) => j.outcome === "failed");
  const ran = journal.map((j) => `${String(j.t)} ms ${j.description} (${String(j.durationMs)} ms${j.outcome === "failed" ? `, FAILED: ${j.error ?? ""}` : ""})`);
  if (wanted.length === 0 && journal.length === 0) return control(name, true, "no fault declared, none ran");
  return control(
    name,
    missing.length === 0 && failed.length === 0 && journal.length > 0,
    `${missing.length ? `declared but not run: ${missing.map((s) => `${s.action} on ${s.target}`).join("; ")}. ` : ""}ran: ${ran.join("; ") || "nothing"}`,
    { steps: journal.length, failed: failed.length },
  );
}

/** The nemesis's own ops, for checks that need to know when a step finished (say, the operator's promotion). */
export function nemesisOps(ops: readonly Completed[]): Completed[] {
  return ops.filter((o) => o.process === NEMESIS);
}
