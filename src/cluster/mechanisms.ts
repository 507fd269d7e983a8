import type { StartedTestContainer } from "testcontainers";
import { dockerClient } from "../images/engine.js";
import { demuxedText } from "./docker-output.js";
import type { AppSites } from "./app-sites.js";
import type { FactParts } from "./facts.js";
import { PORTS, hostUrl } from "./containers.js";
import { type MysqlFacts, mysqlFacts } from "./mysql-pair.js";
import { type PostgresPair, withPg } from "./postgres-pair.js";
import { MASTER_NAME, type RedisSentinel, withRedis } from "./redis-sentinel.js";
import { SITES, type Site } from "./topology.js";

/**
 * The protective mechanisms as the running servers have them, read back from the servers themselves (never from
 * what the harness meant to write): Sentinel's own view of its master, HAProxy's check parameters and results,
 * Postgres's replication state and settings, Caddy's loaded config, each site's environment. Positive controls
 * compare these with the spec, so a config that was not applied, or drifted, is seen before a scenario's figures
 * are believed.
 */
export interface Mechanisms {
  readonly sentinels?: readonly SentinelView[] | { readonly error: string };
  readonly haproxy?: HaproxyView | { readonly error: string };
  readonly postgres?: PostgresView | { readonly error: string };
  readonly caddy?: CaddyView | { readonly error: string };
  readonly apps?: Readonly<Record<Site, Readonly<Record<string, string>>>> | { readonly error: string };
  readonly mysql?: MysqlFacts;
  /** The app's cache entries (`product:*`) on the Redis master and their expiry. */
  readonly cache?: CacheView | { readonly error: string };
}

export interface CacheView {
  readonly master: string;
  readonly entries: number;
  /** Entries with no expiry at all (TTL -1): a missed invalidation would serve them forever. */
  readonly withoutTtl: number;
  /** The longest time to live left on any entry, s. */
  readonly maxTtlS: number | null;
}

export interface SentinelView {
  readonly sentinel: string;
  readonly master: string;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly quorum: number;
  readonly replicas: number;
  readonly otherSentinels: number;
}

export interface HaproxyServerView {
  readonly backend: string;
  readonly server: string;
  readonly rise: number | null;
  readonly fall: number | null;
  /** HAProxy's last check result (L4OK, L7OK, L7STS, ...); empty when the server has no check. */
  readonly checkStatus: string;
}

export interface HaproxyView {
  readonly servers: readonly HaproxyServerView[];
  /** The config file the running HAProxy was started from, read out of its container. */
  readonly config: string;
}

export interface PostgresView {
  readonly walReceiverTimeoutMs: number;
  readonly recoveryMinApplyDelayMs: number;
  readonly synchronousStandbyNames: string;
  /** pg-replica as the primary sees it, or null when it is not connected. */
  readonly replication: { readonly state: string; readonly syncState: string } | null;
}

export interface CaddyView {
  readonly policy: string | null;
  readonly upstreams: readonly string[];
  readonly healthUri: string | null;
  readonly healthIntervalMs: number | null;
  readonly healthTimeoutMs: number | null;
  readonly failDurationMs: number | null;
  readonly maxFails: number | null;
  readonly tryDurationMs: number | null;
  readonly dialTimeoutMs: number | null;
}

/** The parts mechanisms are read from: the same the steady-state facts come from. */
export type MechanismParts = FactParts;

const failed = (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) });

/** A Go/Caddy duration: integer nanoseconds (Caddy's JSON) or a string such as "500ms", "10s", "1m30s". */
export function durationMs(v: unknown): number | null {
  if (typeof v === "number") return v / 1e6;
  if (typeof v !== "string") return null;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = "";
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (units[m[2] ?? ""] ?? Number.NaN);
    matched += m[0];
  }
  return matched === v && matched !== "" ? total : null;
}

/** The first reverse_proxy handler anywhere in Caddy's JSON config. */
function findReverseProxy(node: unknown): Record<string, unknown> | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const found = findReverseProxy(n);
      if (found) return found;
    }
    return null;
  }
  if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.handler === "reverse_proxy") return o;
    for (const v of Object.values(o)) {
      const found = findReverseProxy(v);
      if (found) return found;
    }
  }
  return null;
}

type Json = Record<string, unknown> | undefined;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Record<string, unknown>) : undefined);

/** What Caddy's loaded config says about failover: policy, active and passive health, retries, dial timeout. */
export function caddyView(config: unknown): CaddyView {
  const rp = findReverseProxy(config) ?? {};
  const health = obj(rp.health_checks);
  const active = obj(health?.active);
  const passive = obj(health?.passive);
  const lb = obj(rp.load_balancing);
  const transport = obj(rp.transport);
  const upstreams = Array.isArray(rp.upstreams) ? rp.upstreams.map((u) => {
        const dial = obj(u)?.dial;
        return typeof dial === "string" ? dial : "";
      }) : [];
  return {
    policy: typeof obj(lb?.selection_policy)?.policy === "string" ? String(obj(lb?.selection_policy)?.policy) : null,
    upstreams,
    healthUri: typeof active?.uri === "string" ? active.uri : typeof active?.path === "string" ? active.path : null,
    healthIntervalMs: durationMs(active?.interval),
    healthTimeoutMs: durationMs(active?.timeout),
    failDurationMs: durationMs(passive?.fail_duration),
    maxFails: typeof passive?.max_fails === "number" ? passive.max_fails : null,
    tryDurationMs: durationMs(lb?.try_duration),
    dialTimeoutMs: durationMs(transport?.dial_timeout),
  };
}

/** `show stat` CSV → each server's rise, fall and last check result. */
export function haproxyServerViews(csv: string): HaproxyServerView[] {
  const [header, ...rows] = csv.trim().split("\n");
  const cols = (header ?? "").replace(/^# /, "").split(",");
  const at = (name: string) => cols.indexOf(name);
  const num = (v: string | undefined) => (v === undefined || v === "" ? null : Number(v));
  return rows
    .map((line) => line.split(","))
    .filter((f) => f[at("svname")] !== "FRONTEND" && f[at("svname")] !== "BACKEND")
    .map((f) => ({
      backend: f[at("pxname")] ?? "",
      server: f[at("svname")] ?? "",
      rise: num(f[at("check_rise")]),
      fall: num(f[at("check_fall")]),
      checkStatus: f[at("check_status")] ?? "",
    }));
}

/** Postgres reports settings in its own units: wal_receiver_timeout and recovery_min_apply_delay in ms. */
const settingMs = (v: string | undefined) => (v === undefined ? Number.NaN : Number(v));

async function readContainerFile(container: StartedTestContainer, path: string): Promise<string> {
  const exec = await dockerClient()
    .getContainer(container.getId())
    .exec({ Cmd: ["cat", path], AttachStdout: true, AttachStderr: true });
  return demuxedText(await exec.start({}));
}

async function sentinelViews(rs: RedisSentinel): Promise<SentinelView[]> {
  return Promise.all(
    rs.sentinels.map(async (s, i) => {
      const flat = (await withRedis(s, PORTS.sentinel, (r) => r.call("SENTINEL", "MASTER", MASTER_NAME))) as string[];
      const m = new Map<string, string>();
      for (let k = 0; k + 1 < flat.length; k += 2) m.set(String(flat[k]), String(flat[k + 1]));
      return {
        sentinel: `sentinel-${String(i + 1)}`,
        master: m.get("ip") ?? "?",
        downAfterMs: Number(m.get("down-after-milliseconds")),
        failoverTimeoutMs: Number(m.get("failover-timeout")),
        quorum: Number(m.get("quorum")),
        replicas: Number(m.get("num-slaves")),
        otherSentinels: Number(m.get("num-other-sentinels")),
      };
    }),
  );
}

async function postgresView(pair: PostgresPair): Promise<PostgresView> {
  const [replica, primary] = await Promise.all([
    withPg(pair.replica, async (c) => {
      const r = await c.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('wal_receiver_timeout', 'recovery_min_apply_delay')");
      return new Map(r.rows.map((x) => [x.name, x.setting]));
    }),
    withPg(pair.primary, async (c) => {
      const names = await c.query<{ s: string }>("SELECT current_setting('synchronous_standby_names') AS s");
      const rep = await c.query<{ state: string; sync_state: string }>("SELECT state, sync_state FROM pg_stat_replication WHERE application_name = 'pg-replica'");
      return { names: names.rows[0]?.s ?? "", rep: rep.rows[0] };
    }),
  ]);
  return {
    walReceiverTimeoutMs: settingMs(replica.get("wal_receiver_timeout")),
    recoveryMinApplyDelayMs: settingMs(replica.get("recovery_min_apply_delay")),
    synchronousStandbyNames: primary.names,
    replication: primary.rep ? { state: primary.rep.state, syncState: primary.rep.sync_state } : null,
  };
}

async function appEnvironments(apps: AppSites): Promise<Record<Site, Record<string, string>>> {
  const one = async (site: Site) => {
    const info = (await dockerClient().getContainer(apps[site].getId()).inspect()) as { Config?: { Env?: string[] } };
    const env = (info.Config?.Env ?? []).filter((e) => e.startsWith("APP_")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const);
    return Object.fromEntries(env);
  };
  const [gra, sbg] = await Promise.all(SITES.map(one));
  return { gra: gra ?? {}, sbg: sbg ?? {} };
}

/** The cache-aside entries on whichever Redis node is master now: how many, and whether each expires. */
async function cacheView(rs: RedisSentinel): Promise<CacheView> {
  for (const [alias, node] of Object.entries(rs.redis)) {
    const view = await withRedis(node, PORTS.redis, async (r) => {
      if (!(await r.info("replication")).includes("role:master")) return null;
      // The keyspace is a handful of entries: one bounded SCAN pass finds them all.
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await r.scan(cursor, "MATCH", "product:*", "COUNT", 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0" && keys.length < 10_000);
      const ttls = await Promise.all(keys.map((k) => r.ttl(k)));
      const live = ttls.filter((t) => t !== -2);
      return { master: alias, entries: live.length, withoutTtl: live.filter((t) => t === -1).length, maxTtlS: live.length ? Math.max(...live) : null };
    }).catch(() => null);
    if (view) return view;
  }
  throw new Error("no Redis node answers as master");
}

/** Reads every mechanism the topology has, each independently: one that cannot be read is an error, not a throw. */
export async function readMechanisms(parts: MechanismParts): Promise<Mechanisms> {
  const [sentinels, cache, haproxy, postgres, caddy, apps, mysql] = await Promise.all([
    parts.redis ? sentinelViews(parts.redis).catch(failed) : undefined,
    parts.redis ? cacheView(parts.redis).catch(failed) : undefined,
    parts.haproxy
      ? Promise.all([parts.haproxy.runtime("show stat"), readContainerFile(parts.haproxy.container, "/usr/local/etc/haproxy/haproxy.cfg")])
          .then(([csv, config]) => ({ servers: haproxyServerViews(csv), config }))
          .catch(failed)
      : undefined,
    parts.postgres ? postgresView(parts.postgres).catch(failed) : undefined,
    parts.caddy
      ? fetch(`${hostUrl(parts.caddy, PORTS.caddyAdmin)}/config/`, { signal: AbortSignal.timeout(2000) })
          .then(async (r) => caddyView(await r.json()))
          .catch(failed)
      : undefined,
    parts.apps ? appEnvironments(parts.apps).catch(failed) : undefined,
    parts.mysql ? mysqlFacts(parts.mysql) : undefined,
  ]);
  return {
    ...(sentinels ? { sentinels } : {}),
    ...(haproxy ? { haproxy } : {}),
    ...(postgres ? { postgres } : {}),
    ...(caddy ? { caddy } : {}),
    ...(apps ? { apps } : {}),
    ...(mysql ? { mysql } : {}),
    ...(cache ? { cache } : {}),
  };
}
