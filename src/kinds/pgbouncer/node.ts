import pg from "pg";
import { fixture } from "../../paths.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import { activeFault } from "../../cluster/fault-handle.js";
import type { NodeAddress } from "../../nodes/kind.js";
import { kindOnGeneric } from "../../nodes/on-generic.js";

export type PoolMode = "session" | "transaction" | "statement";
const POOL_MODES: readonly PoolMode[] = ["session", "transaction", "statement"];

export interface PgbouncerUser {
  readonly user: string;
  readonly password: string;
  /** The database verify()'s query uses as this user (its own name by default). */
  readonly database?: string;
}

/** PgBouncer's settings, as its pgbouncer.ini names them (seconds where PgBouncer takes seconds). */
export interface PgbouncerSettings {
  /** Where the pool's server connections go, `host:port` (a PostgreSQL, or a proxy in front of the leader). */
  readonly upstream: string;
  /** The users clients log in as, with their passwords (PgBouncer logs in to the server with the same). */
  readonly users: readonly PgbouncerUser[];
  /** The admin console's user (the virtual database `pgbouncer`: SHOW CONFIG, SHOW POOLS). */
  readonly admin: PgbouncerUser;
  /** How clients authenticate to PgBouncer: SCRAM-SHA-256 unless a stack says otherwise. */
  readonly authType: "scram-sha-256" | "md5" | "plain" | "trust";
  readonly poolMode: PoolMode;
  /** Server connections per user and database (default_pool_size). */
  readonly poolSize: number;
  readonly maxClientConn: number;
  /** How long a client may wait for a server connection before PgBouncer fails its query; 0 waits forever. */
  readonly queryWaitTimeoutS: number;
  /** How long PgBouncer waits for a server's connect and login, and waits before it retries a failed login. */
  readonly serverConnectTimeoutS: number;
  readonly serverLoginRetryS: number;
}

export const PGBOUNCER_PORT = 6432;

/**
 * PgBouncer's own defaults (1.18), where the kind keeps them; the kind sets no DNS cache, so PgBouncer's apply:
 * a host name's answer is kept dns_max_ttl, a failed lookup (the name gone) dns_nxdomain_ttl.
 */
export const PGBOUNCER_DEFAULTS = { poolMode: "transaction", poolSize: 20, maxClientConn: 100, queryWaitTimeoutS: 120, serverConnectTimeoutS: 15, serverLoginRetryS: 15, dnsMaxTtlS: 15, dnsNxdomainTtlS: 15 } as const;

const KEYS = ["upstream", "users", "admin", "authType", "poolMode", "poolSize", "maxClientConn", "queryWaitTimeoutS", "serverConnectTimeoutS", "serverLoginRetryS"];
const AUTH_TYPES = ["scram-sha-256", "md5", "plain", "trust"] as const;

function user(node: string, what: string, v: unknown): PgbouncerUser {
  const u = v as { user?: unknown; password?: unknown } | null;
  if (!u || typeof u.user !== "string" || typeof u.password !== "string" || !/^[A-Za-z0-9_]+$/.test(u.user) || /[",\s:]/.test(u.password)) {
    throw new UserError(`node '${node}' (pgbouncer): ${what} must be { user, password } (a user of letters, digits and _, a password without quotes, commas, colons or spaces)`);
  }
  const database = (v as { database?: unknown }).database;
  if (database !== undefined && typeof database !== "string") throw new UserError(`node '${node}' (pgbouncer): ${what}.database must be a name`);
  return { user: u.user, password: u.password, ...(database === undefined ? {} : { database }) };
}

function whole(node: string, key: string, v: unknown, fallback: number, min: number): number {
  const n = v === undefined ? fallback : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) throw new UserError(`node '${node}' (pgbouncer): ${key} must be a whole number, at least ${String(min)}, not ${JSON.stringify(v)}`);
  return n;
}

/** One query on PgBouncer's admin console (`SHOW CONFIG`, `SHOW POOLS`): the rows as PgBouncer gives them. */
export async function pgbouncerShow(host: string, port: number, admin: PgbouncerUser, what: "CONFIG" | "POOLS" | "SERVERS" | "CLIENTS"): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ host, port, user: admin.user, password: admin.password, database: "pgbouncer", connectionTimeoutMillis: FACTS_QUERY_TIMEOUT_MS });
  client.on("error", () => undefined);
  await client.connect();
  try {
    // The admin console speaks the simple protocol only: a query without parameters is sent so.
    return (await client.query(`SHOW ${what}`)).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PgBouncer (Debian's package) pooling clients onto a PostgreSQL upstream: clients log in with SCRAM-SHA-256, a
 * pool of `poolSize` server connections per user and database, transaction pooling by default. verify() asks the
 * admin console that it runs with the declared pool settings, and that a user's query reaches the server.
 */
export const PGBOUNCER = kindOnGeneric<PgbouncerSettings>({
  name: "pgbouncer",
  summary: "PgBouncer 1.18 (Debian's package): SCRAM logins, a pool per user and database; verify() reads SHOW CONFIG and runs a query through it",
  ownKeys: KEYS,
  own(raw, node) {
    if (typeof raw.upstream !== "string" || !/^[a-z0-9.-]+:\d+$/.test(raw.upstream)) throw new UserError(`node '${node}' (pgbouncer): upstream must be "host:port", the server its pool connects to`);
    if (!Array.isArray(raw.users) || raw.users.length === 0) throw new UserError(`node '${node}' (pgbouncer): users must list at least one { user, password }`);
    const authType = raw.authType ?? "scram-sha-256";
    if (!AUTH_TYPES.includes(authType as (typeof AUTH_TYPES)[number])) throw new UserError(`node '${node}' (pgbouncer): authType must be one of ${AUTH_TYPES.join(", ")}, not ${JSON.stringify(authType)}`);
    const poolMode = raw.poolMode ?? PGBOUNCER_DEFAULTS.poolMode;
    if (!POOL_MODES.includes(poolMode as PoolMode)) throw new UserError(`node '${node}' (pgbouncer): poolMode must be one of ${POOL_MODES.join(", ")}, not ${JSON.stringify(poolMode)}`);
    return {
      upstream: raw.upstream,
      users: raw.users.map((u, i) => user(node, `users[${String(i)}]`, u)),
      admin: raw.admin === undefined ? { user: "pgbouncer", password: "pgbouncer" } : user(node, "admin", raw.admin),
      authType: authType as PgbouncerSettings["authType"],
      poolMode: poolMode as PoolMode,
      poolSize: whole(node, "poolSize", raw.poolSize, PGBOUNCER_DEFAULTS.poolSize, 1),
      maxClientConn: whole(node, "maxClientConn", raw.maxClientConn, PGBOUNCER_DEFAULTS.maxClientConn, 1),
      queryWaitTimeoutS: whole(node, "queryWaitTimeoutS", raw.queryWaitTimeoutS, PGBOUNCER_DEFAULTS.queryWaitTimeoutS, 0),
      serverConnectTimeoutS: whole(node, "serverConnectTimeoutS", raw.serverConnectTimeoutS, PGBOUNCER_DEFAULTS.serverConnectTimeoutS, 1),
      serverLoginRetryS: whole(node, "serverLoginRetryS", raw.serverLoginRetryS, PGBOUNCER_DEFAULTS.serverLoginRetryS, 0),
    };
  },
  generic: (raw, s) => ({
    build: { context: fixture("kinds", "pgbouncer") },
    ...raw,
    ports: [PGBOUNCER_PORT],
    environment: {
      PGBOUNCER_UPSTREAM: s.upstream,
      PGBOUNCER_USERS: s.users.map((u) => `${u.user}:${u.password}`).join(","),
      PGBOUNCER_ADMIN: `${s.admin.user}:${s.admin.password}`,
      PGBOUNCER_AUTH_TYPE: s.authType,
      PGBOUNCER_POOL_MODE: s.poolMode,
      PGBOUNCER_POOL_SIZE: String(s.poolSize),
      PGBOUNCER_MAX_CLIENT_CONN: String(s.maxClientConn),
      PGBOUNCER_QUERY_WAIT_TIMEOUT: String(s.queryWaitTimeoutS),
      PGBOUNCER_SERVER_CONNECT_TIMEOUT: String(s.serverConnectTimeoutS),
      PGBOUNCER_SERVER_LOGIN_RETRY: String(s.serverLoginRetryS),
      ...(raw.environment as Record<string, string> | undefined),
    },
    health: { tcp: PGBOUNCER_PORT },
  }),
  operations: {
    /**
     * Clients that take pooled connections and keep them: `transactions` clients (by default the pool's size) each
     * open a transaction and stay idle in it, so each holds a server connection (in transaction and session mode
     * alike). Resolves once every one holds its connection; the heal rolls them back and disconnects them.
     */
    async hold(node, s, args) {
      const n = args.transactions ?? s.own.poolSize;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > s.own.poolSize) throw new UserError(`hold on ${node.name}: transactions must be a whole number from 1 to the pool's size (${String(s.own.poolSize)}), not ${JSON.stringify(n)}`);
      const u = s.own.users[0];
      if (!u) throw new UserError(`hold on ${node.name}: the node declares no user`);
      const clients = Array.from({ length: n }, () => {
        const c = new pg.Client({ host: node.container.getHost(), port: node.container.getMappedPort(PGBOUNCER_PORT), user: u.user, password: u.password, database: u.database ?? u.user, connectionTimeoutMillis: FACTS_QUERY_TIMEOUT_MS });
        c.on("error", () => undefined);
        return c;
      });
      const release = () => Promise.all(clients.map((c) => c.query("ROLLBACK").catch(() => undefined).then(() => c.end().catch(() => undefined))));
      try {
        // BEGIN alone takes no server connection in transaction mode: the first statement in the transaction does.
        await Promise.all(clients.map(async (c) => {
          await c.connect();
          await c.query("BEGIN");
          await c.query("SELECT 1");
        }));
      } catch (e) {
        await release();
        throw new Error(`hold on ${node.name}: could not take ${String(n)} pooled connection(s): ${e instanceof Error ? e.message : String(e)}`);
      }
      return activeFault(`${String(n)} transaction(s) held open through ${node.name} (its pool of ${String(s.own.poolSize)})`, async () => {
        await release();
      }, node.name);
    },
  },
  async problems(node: { readonly name: string; readonly address: NodeAddress }, s) {
    const host = node.address.host;
    const port = node.address.ports[PGBOUNCER_PORT] ?? PGBOUNCER_PORT;
    try {
      const config = new Map((await pgbouncerShow(host, port, s.own.admin, "CONFIG")).map((r) => [String(r.key), String(r.value)]));
      const want: Record<string, string> = { auth_type: s.own.authType, pool_mode: s.own.poolMode, default_pool_size: String(s.own.poolSize), query_wait_timeout: String(s.own.queryWaitTimeoutS) };
      const off = Object.entries(want).filter(([k, v]) => config.get(k) !== v).map(([k, v]) => `${k} is ${config.get(k) ?? "unset"}, declared ${v}`);
      const first = s.own.users[0];
      if (first) {
        // A query through the pool: PgBouncer serves only once it can log in to its upstream.
        const client = new pg.Client({ host, port, user: first.user, password: first.password, database: first.database ?? first.user, connectionTimeoutMillis: FACTS_QUERY_TIMEOUT_MS, query_timeout: FACTS_QUERY_TIMEOUT_MS });
        client.on("error", () => undefined);
        try {
          await client.connect();
          await client.query("SELECT 1");
        } catch (e) {
          off.push(`a query as ${first.user} through it failed: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      return off.map((p) => `${node.name}: ${p}`);
    } catch (e) {
      return [`${node.name}: PgBouncer's admin console did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});
