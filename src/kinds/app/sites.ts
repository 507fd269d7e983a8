import { PORTS, getHealth } from "../../cluster/containers.js";
import { MYSQL_CREDENTIALS } from "../mariadb/pair.js";
import { PG_CREDENTIALS } from "../postgres/pair.js";
import { MASTER_NAME } from "../redis/sentinel.js";
import { type AppImage, type Site, type TopologySpec, readPolicyOf } from "../../cluster/topology.js";
import { APP_DEPENDENCIES, type LinkName, appLink, linkAddress } from "../toxiproxy/links.js";

/** Both sites sign cookies with this, so a session made on one is valid on the other. */
export const COOKIE_SECRET = "brownout-shared-cookie-secret";
export const COOKIE_NAME = "brownout.sid";

/**
 * The built-in app's Redis client reconnects this long after it lost its connection (ioredis's retryStrategy in
 * app/src/deps/redis.ts; a test keeps the two equal), each attempt bounded by the app's dependency timeout.
 */
export const APP_REDIS_RETRY_MS = 100;

const through = (link: LinkName) => {
  const { host, port } = linkAddress(link);
  return `${host}:${String(port)}`;
};

/**
 * A site's environment: every dependency is reached through that site's own Toxiproxy link, so a fault can cut
 * one site from one dependency. Sentinel announces `redis-N:6379`; the NAT map sends those through the links.
 */
export function appEnvironment(spec: TopologySpec, site: Site): Record<string, string> {
  const has = (slice: "postgres" | "redis" | "mysql") => spec.slices.includes(slice);
  const redis = has("redis");
  return {
    APP_SITE: site,
    APP_PORT: String(PORTS.app),
    APP_COOKIE_SECRET: COOKIE_SECRET,
    APP_COOKIE_NAME: COOKIE_NAME,
    APP_BEHIND_PROXY: "true",
    APP_READ_POLICY: readPolicyOf(spec.app, site),
    APP_SESSION_STORE: redis || spec.app.sessionStore !== "redis" ? spec.app.sessionStore : "memory",
    APP_CACHE_TTL_S: String(spec.app.cacheTtlS),
    APP_DEP_TIMEOUT_MS: String(spec.timings.app.depTimeoutMs),
    APP_HEALTH_TIMEOUT_MS: String(spec.timings.app.healthTimeoutMs),
    ...(spec.app.testBugs.length > 0 ? { APP_TEST_BUGS: spec.app.testBugs.join(",") } : {}),
    ...(redis
      ? {
          APP_REDIS_SENTINELS: ["sentinel-1", "sentinel-2", "sentinel-3"].map((s) => `${s}:${String(PORTS.sentinel)}`).join(","),
          APP_REDIS_MASTER: MASTER_NAME,
          APP_REDIS_NAT: (["redis-1", "redis-2"] as const).map((r) => `${r}:${String(PORTS.redis)}=${through(appLink(site, r))}`).join(","),
        }
      : {}),
    ...(has("postgres")
      ? {
          APP_PG_WRITE: through(appLink(site, "pg-write")),
          APP_PG_READ: through(appLink(site, "pg-read")),
          APP_PG_USER: PG_CREDENTIALS.user,
          APP_PG_PASSWORD: PG_CREDENTIALS.password,
          APP_PG_DATABASE: PG_CREDENTIALS.database,
          // Seed 001's DB2 is reached directly, as its DB2_HOST is: no proxy, no link.
          ...(spec.postgres.db2 && spec.app.dualWrite !== "off" ? { APP_PG_DB2: `pg-db2:${String(PORTS.postgres)}`, APP_PG_DB2_ACK: spec.app.dualWrite } : {}),
        }
      : {}),
    ...(has("mysql")
      ? {
          APP_MYSQL: through(appLink(site, "mysql")),
          APP_MYSQL_USER: MYSQL_CREDENTIALS.user,
          APP_MYSQL_PASSWORD: MYSQL_CREDENTIALS.password,
          APP_MYSQL_DATABASE: "brownout",
        }
      : {}),
  };
}

/** A stack's own app's environment: the fixed contract (site, port) and what its config makes of the context. */
export function stackAppEnvironment(spec: TopologySpec, app: AppImage, site: Site): Record<string, string> {
  const deps = Object.fromEntries(APP_DEPENDENCIES.map((d) => [d, through(appLink(site, d))]));
  return {
    ...app.environment({
      site,
      spec,
      deps,
      postgres: PG_CREDENTIALS,
      mysql: { ...MYSQL_CREDENTIALS, database: "brownout" },
      sentinels: ["sentinel-1", "sentinel-2", "sentinel-3"].map((s) => `${s}:${String(PORTS.sentinel)}`),
      redisMasterName: MASTER_NAME,
    }),
    APP_SITE: site,
    APP_PORT: String(PORTS.app),
  };
}

export interface AppHealth {
  readonly status: number;
  readonly body: { readonly status?: string; readonly dependencies?: Record<string, { state: string; error?: string }> } | null;
}

/**
 * One GET /health of a site at its URL on the host, bounded (the app bounds its own dependency calls, this bounds
 * a hung app); never throws: an answer, or why there was none.
 */
export async function appHealthAt(url: string): Promise<AppHealth | { readonly unreachable: string }> {
  try {
    return (await getHealth(url)) as AppHealth;
  } catch (e) {
    return { unreachable: e instanceof Error ? e.message : String(e) };
  }
}
