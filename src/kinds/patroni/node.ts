import { fixture } from "../../paths.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import type { NodeAddress } from "../../nodes/kind.js";
import { kindOnGeneric } from "../../nodes/on-generic.js";

/** Patroni's dynamic configuration, as the cluster is bootstrapped with it (seconds, as Patroni takes them). */
export interface PatroniSettings {
  /** The cluster's name (Patroni's scope): its keys in etcd. */
  readonly scope: string;
  /** etcd's client endpoints, `node:2379`. */
  readonly etcd: readonly string[];
  readonly ttlS: number;
  readonly loopWaitS: number;
  readonly retryTimeoutS: number;
  /** Bytes a replica may lag and still be promoted. */
  readonly maximumLagOnFailover: number;
  /** Commits wait for a synchronous standby that Patroni picks (and only it may be promoted). */
  readonly synchronousMode: boolean;
  /**
   * A leader that loses the DCS keeps its role while every member answers its POST /failsafe, and no replica takes
   * over meanwhile (Patroni 3's failsafe_mode; off by default).
   */
  readonly failsafeMode: boolean;
  /**
   * PostgreSQL's wal_retrieve_retry_interval (ms), cluster-wide: how soon a standby asks again for WAL it could not
   * get. A new replica's first ask fails until the leader's next loop has made its replication slot, so this is what
   * a cluster's first synchronous standby waits (and a rejoined member's first stream); PostgreSQL's default is 5 s.
   */
  readonly walRetrieveRetryIntervalMs: number;
  /**
   * PostgreSQL parameters of the cluster beyond the kind's own (Patroni's bootstrap postgresql.parameters), as a
   * team sets them: `{ synchronous_commit: "off" }`.
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** The application's role, password and database (made once, by the member that bootstraps the cluster). */
  readonly app: { readonly user: string; readonly password: string; readonly database: string };
}

export const PATRONI_PORTS = { postgres: 5432, rest: 8008 } as const;

/**
 * How long Patroni waits for another member's REST API when it decides whether it is the healthiest (its election
 * asks every member it still sees; a dead one answers only with this timeout).
 */
export const PATRONI_MEMBER_REQUEST_TIMEOUT_MS = 2000;

const KEYS = ["scope", "etcd", "ttlS", "loopWaitS", "retryTimeoutS", "maximumLagOnFailover", "synchronousMode", "failsafeMode", "walRetrieveRetryIntervalMs", "parameters", "app"];

/** Patroni's documented defaults (its production values), and the lower limits it enforces. */
export const PATRONI_DEFAULTS = { ttlS: 30, loopWaitS: 10, retryTimeoutS: 10, maximumLagOnFailover: 1048576, walRetrieveRetryIntervalMs: 5000 } as const;
const MINIMUM = { ttlS: 20, loopWaitS: 1, retryTimeoutS: 3 } as const;

function seconds(node: string, key: "ttlS" | "loopWaitS" | "retryTimeoutS", v: unknown): number {
  const n = v === undefined ? PATRONI_DEFAULTS[key] : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < MINIMUM[key]) throw new UserError(`node '${node}' (patroni): ${key} must be a whole number of seconds, at least ${String(MINIMUM[key])} (Patroni's own limit), not ${JSON.stringify(v)}`);
  return n;
}

function retryInterval(node: string, v: unknown): number {
  if (v === undefined) return PATRONI_DEFAULTS.walRetrieveRetryIntervalMs;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new UserError(`node '${node}' (patroni): walRetrieveRetryIntervalMs must be a whole number of ms, at least 1, not ${JSON.stringify(v)}`);
  return v;
}

/** The parameters the kind sets itself (replication and pg_rewind need them as they are). */
const OWN_PARAMETERS = ["wal_level", "hot_standby", "wal_log_hints", "max_wal_senders", "max_replication_slots", "wal_retrieve_retry_interval", "unix_socket_directories"];

function parameters(node: string, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UserError(`node '${node}' (patroni): parameters must map PostgreSQL parameter names to values, as { synchronous_commit: "off" }`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!/^[a-z_]+(\.[a-z_]+)?$/.test(k)) throw new UserError(`node '${node}' (patroni): parameters: '${k}' is not a PostgreSQL parameter name`);
    if (OWN_PARAMETERS.includes(k)) throw new UserError(`node '${node}' (patroni): parameters: ${k} is the kind's own (${OWN_PARAMETERS.join(", ")}); its setting for it is the one replication needs`);
    const value = typeof x === "number" ? String(x) : x;
    if (typeof value !== "string" || !/^[A-Za-z0-9_. -]*$/.test(value)) throw new UserError(`node '${node}' (patroni): parameters.${k} must be a number or a string of letters, digits, _ . - and spaces, not ${JSON.stringify(x)}`);
    out[k] = value;
  }
  return out;
}

/** A member's view of the cluster (Patroni's GET /cluster). */
export interface PatroniCluster {
  readonly members: readonly { readonly name: string; readonly role: string; readonly state: string; readonly timeline?: number; readonly lag?: number | string }[];
}

/** GET on a member's REST API (its published port): the status and the JSON answer. */
export async function patroniGet(host: string, restPort: number, path: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`http://${host}:${String(restPort)}${path}`, { signal: signal ?? AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS) });
  return { status: r.status, body: await r.json() };
}

/** The cluster as one member sees it (GET /cluster). */
export async function patroniCluster(host: string, restPort: number, signal?: AbortSignal): Promise<PatroniCluster> {
  const { body } = await patroniGet(host, restPort, "/cluster", signal);
  const members = (body as { members?: unknown }).members;
  if (!Array.isArray(members)) throw new Error(`GET /cluster answered no members: ${JSON.stringify(body)}`);
  return { members: members as PatroniCluster["members"] };
}

/**
 * PostgreSQL run by Patroni (Debian's packages) on an etcd DCS: leader election by a key with a TTL, automatic
 * failover, pg_rewind on rejoin. Its settings are the cluster's bootstrap dynamic configuration; verify() asks the
 * member's REST API that it runs, that the cluster has a leader and, in synchronous_mode, a synchronous standby.
 */
export const PATRONI = kindOnGeneric<PatroniSettings>({
  name: "patroni",
  summary: "PostgreSQL 15 run by Patroni on etcd (Debian's packages); verify() asks its REST API for a running member and a leader",
  ownKeys: KEYS,
  own(raw, node) {
    const etcd = raw.etcd;
    if (!Array.isArray(etcd) || etcd.length === 0 || !etcd.every((e) => typeof e === "string" && /^[a-z0-9.-]+:\d+$/.test(e))) throw new UserError(`node '${node}' (patroni): etcd must list the DCS endpoints as "node:2379"`);
    const app = (raw.app ?? {}) as Record<string, unknown>;
    const s: PatroniSettings = {
      scope: typeof raw.scope === "string" ? raw.scope : "brownout",
      etcd: etcd as string[],
      ttlS: seconds(node, "ttlS", raw.ttlS),
      loopWaitS: seconds(node, "loopWaitS", raw.loopWaitS),
      retryTimeoutS: seconds(node, "retryTimeoutS", raw.retryTimeoutS),
      maximumLagOnFailover: typeof raw.maximumLagOnFailover === "number" ? raw.maximumLagOnFailover : PATRONI_DEFAULTS.maximumLagOnFailover,
      synchronousMode: raw.synchronousMode === true,
      failsafeMode: raw.failsafeMode === true,
      walRetrieveRetryIntervalMs: retryInterval(node, raw.walRetrieveRetryIntervalMs),
      parameters: parameters(node, raw.parameters),
      app: { user: typeof app.user === "string" ? app.user : "app", password: typeof app.password === "string" ? app.password : "app", database: typeof app.database === "string" ? app.database : "app" },
    };
    // Patroni's rule: a leader must be able to retry the DCS twice within a loop before its key expires.
    if (s.loopWaitS + 2 * s.retryTimeoutS > s.ttlS) throw new UserError(`node '${node}' (patroni): loop_wait + 2 × retry_timeout (${String(s.loopWaitS + 2 * s.retryTimeoutS)} s) must not exceed ttl (${String(s.ttlS)} s)`);
    return s;
  },
  generic: (raw, s, node) => ({
    build: { context: fixture("kinds", "patroni") },
    ...raw,
    ports: [PATRONI_PORTS.postgres, PATRONI_PORTS.rest],
    environment: {
      PATRONI_NAME: node.name,
      PATRONI_SCOPE: s.scope,
      PATRONI_ETCD3_HOSTS: s.etcd.join(","),
      PATRONI_TTL: String(s.ttlS),
      PATRONI_LOOP_WAIT: String(s.loopWaitS),
      PATRONI_RETRY_TIMEOUT: String(s.retryTimeoutS),
      PATRONI_MAXIMUM_LAG_ON_FAILOVER: String(s.maximumLagOnFailover),
      PATRONI_SYNCHRONOUS_MODE: String(s.synchronousMode),
      PATRONI_FAILSAFE_MODE: String(s.failsafeMode),
      PATRONI_WAL_RETRIEVE_RETRY_INTERVAL: `${String(s.walRetrieveRetryIntervalMs)}ms`,
      // One `name: 'value'` per line, under the bootstrap's postgresql.parameters.
      PATRONI_PARAMETERS: Object.entries(s.parameters).map(([k, v]) => `${k}: '${v}'`).join("\n"),
      APP_USER: s.app.user,
      APP_PASSWORD: s.app.password,
      APP_DATABASE: s.app.database,
      ...(raw.environment as Record<string, string> | undefined),
    },
    // A member serves once its PostgreSQL runs (a replica once it has cloned the leader).
    health: { http: { path: "/health", port: PATRONI_PORTS.rest } },
  }),
  async problems(node: { readonly name: string; readonly address: NodeAddress }, s) {
    const port = node.address.ports[PATRONI_PORTS.rest] ?? PATRONI_PORTS.rest;
    try {
      const body = await patroniCluster(node.address.host, port);
      const me = body.members.find((m) => m.name === node.name);
      const problems: string[] = [];
      if (!me) problems.push(`${node.name} is not a member of its Patroni cluster`);
      else if (me.state !== "running" && me.state !== "streaming") problems.push(`${node.name}: Patroni member ${me.state}`);
      if (!body.members.some((m) => m.role === "leader")) problems.push(`${node.name}: its Patroni cluster has no leader`);
      // synchronous_mode is in force once Patroni has named a synchronous standby (a loop after replicas stream).
      if (s.own.synchronousMode && body.members.length > 1 && !body.members.some((m) => m.role === "sync_standby")) problems.push(`${node.name}: synchronous_mode is on but the cluster has no synchronous standby`);
      return problems;
    } catch (e) {
      return [`${node.name}: Patroni's REST API did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});
