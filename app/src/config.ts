/** Everything the app reads from its environment, parsed once and typed. */
import { TEST_BUGS, type TestBug, type TestBugs } from "./test-bugs.js";

export const SITES = ["gra", "sbg"] as const;
export type Site = (typeof SITES)[number];

export const SESSION_STORES = ["memory", "redis", "mysql"] as const;
/** `memory` lives in one process (lost with its site); `redis` and `mysql` are shared by both sites. */
export type SessionStoreMode = (typeof SESSION_STORES)[number];

export const READ_POLICIES = ["strict", "fallback"] as const;
/** Where a cache miss may read: `strict` only the replica (503 when it is gone), `fallback` then the primary. */
export type ReadPolicy = (typeof READ_POLICIES)[number];

export const DUAL_WRITE_ACKS = ["any", "all"] as const;
/**
 * Seed 001's "write to both" (dbMultiPdo): every change of its tables is written to a second, independent
 * database too. `any`: a write is acknowledged once one database took it, the other's failure only logged (the
 * seed's log-and-continue); `all`: a write fails unless both took it (no compensation: what one took stays).
 */
export type DualWriteAck = (typeof DUAL_WRITE_ACKS)[number];

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface RedisConfig {
  readonly sentinels: readonly HostPort[];
  readonly masterName: string;
  /** Sentinel announces `redis-1:6379`; the app may have to reach it elsewhere (through a Toxiproxy link). */
  readonly natMap: Readonly<Record<string, HostPort>>;
}

export interface SqlConfig {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface AppConfig {
  /** Test-only regressions (APP_TEST_BUGS); empty in any real deployment. */
  readonly testBugs: TestBugs;
  readonly site: Site;
  readonly port: number;
  readonly sessionStore: SessionStoreMode;
  readonly readPolicy: ReadPolicy;
  readonly cacheTtlS: number;
  /** Bound on every dependency call (connect and query), so nothing waits on a dead server for long. */
  readonly depTimeoutMs: number;
  /**
   * Bound on each dependency probe of /health, so that /health answers before the proxies' own check timeouts
   * even when a dependency hangs: a /health slower than the check takes a healthy site out. Default: depTimeoutMs.
   */
  readonly healthTimeoutMs: number;
  readonly bodyLimitBytes: number;
  readonly cookieName: string;
  readonly cookieSecret: string;
  /** Trust X-Forwarded-For/-Proto from the proxy in front (Caddy, HAProxy). */
  readonly behindReverseProxy: boolean;
  readonly logRequests: boolean;
  readonly redis: RedisConfig | null;
  readonly postgres: (SqlConfig & { readonly write: HostPort; readonly read: HostPort; readonly db2: (HostPort & { readonly ack: DualWriteAck }) | null }) | null;
  readonly mysql: (SqlConfig & HostPort) | null;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const v = env[key] ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(`${key}='${v}' is not one of: ${allowed.join(", ")}`);
  return v as T;
}

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key}='${raw}' must be an integer from ${min} to ${max}`);
  return n;
}

export function parseHostPort(value: string, what: string): HostPort {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m?.[1] || port < 1 || port > 65535) throw new ConfigError(`${what}: '${value}' is not host:port`);
  return { host: m[1], port };
}

function list(env: Env, key: string): string[] {
  return (env[key] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `APP_REDIS_NAT=redis-1:6379=toxiproxy:16379,redis-2:6379=toxiproxy:16380` */
function natMap(env: Env): Record<string, HostPort> {
  const out: Record<string, HostPort> = {};
  for (const entry of list(env, "APP_REDIS_NAT")) {
    const [from, to] = entry.split("=");
    if (!from || !to) throw new ConfigError(`APP_REDIS_NAT: '${entry}' is not announced=host:port`);
    const announced = parseHostPort(from, "APP_REDIS_NAT");
    out[`${announced.host}:${announced.port}`] = parseHostPort(to, "APP_REDIS_NAT");
  }
  return out;
}

export function loadConfig(env: Env): AppConfig {
  const site = oneOf(env, "APP_SITE", SITES, "gra");
  const secret = env.APP_COOKIE_SECRET ?? "";
  if (secret.length < 16) throw new ConfigError("APP_COOKIE_SECRET must be set, at least 16 characters (the same on every site)");
  const sentinels = list(env, "APP_REDIS_SENTINELS").map((s) => parseHostPort(s, "APP_REDIS_SENTINELS"));
  const pgWrite = env.APP_PG_WRITE;
  const mysqlAddr = env.APP_MYSQL;
  const bugs = list(env, "APP_TEST_BUGS");
  const unknownBug = bugs.find((b) => !(TEST_BUGS as readonly string[]).includes(b));
  if (unknownBug !== undefined) throw new ConfigError(`APP_TEST_BUGS: '${unknownBug}' is not one of: ${TEST_BUGS.join(", ")}`);
  const config: AppConfig = {
    testBugs: new Set(bugs as TestBug[]),
    site,
    port: int(env, "APP_PORT", 8080, 1, 65535),
    sessionStore: oneOf(env, "APP_SESSION_STORE", SESSION_STORES, "redis"),
    readPolicy: oneOf(env, "APP_READ_POLICY", READ_POLICIES, "fallback"),
    cacheTtlS: int(env, "APP_CACHE_TTL_S", 60, 1, 86_400),
    depTimeoutMs: int(env, "APP_DEP_TIMEOUT_MS", 800, 50, 30_000),
    healthTimeoutMs: int(env, "APP_HEALTH_TIMEOUT_MS", int(env, "APP_DEP_TIMEOUT_MS", 800, 50, 30_000), 50, 30_000),
    bodyLimitBytes: int(env, "APP_BODY_LIMIT_BYTES", 64 * 1024, 256, 16 * 1024 * 1024),
    cookieName: env.APP_COOKIE_NAME ?? "brownout.sid",
    cookieSecret: secret,
    behindReverseProxy: (env.APP_BEHIND_PROXY ?? "true") === "true",
    logRequests: (env.APP_LOG_REQUESTS ?? "true") === "true",
    redis:
      sentinels.length > 0 ? { sentinels, masterName: env.APP_REDIS_MASTER ?? "brownout", natMap: natMap(env) } : null,
    postgres: pgWrite
      ? {
          write: parseHostPort(pgWrite, "APP_PG_WRITE"),
          read: parseHostPort(env.APP_PG_READ ?? pgWrite, "APP_PG_READ"),
          db2: env.APP_PG_DB2 ? { ...parseHostPort(env.APP_PG_DB2, "APP_PG_DB2"), ack: oneOf(env, "APP_PG_DB2_ACK", DUAL_WRITE_ACKS, "any") } : null,
          user: env.APP_PG_USER ?? "postgres",
          password: env.APP_PG_PASSWORD ?? "",
          database: env.APP_PG_DATABASE ?? "postgres",
        }
      : null,
    mysql: mysqlAddr
      ? {
          ...parseHostPort(mysqlAddr, "APP_MYSQL"),
          user: env.APP_MYSQL_USER ?? "root",
          password: env.APP_MYSQL_PASSWORD ?? "",
          database: env.APP_MYSQL_DATABASE ?? "brownout",
        }
      : null,
  };
  if (env.APP_PG_DB2 && !pgWrite) throw new ConfigError("APP_PG_DB2 (the second database of a dual write) needs APP_PG_WRITE");
  if (config.sessionStore === "redis" && !config.redis) throw new ConfigError("APP_SESSION_STORE=redis needs APP_REDIS_SENTINELS");
  if (config.sessionStore === "mysql" && !config.mysql) throw new ConfigError("APP_SESSION_STORE=mysql needs APP_MYSQL");
  return config;
}
