import type { StartedTestContainer } from "testcontainers";
import type { StartedTopology } from "../stack/index.js";
import { withMysql } from "../kinds/mariadb/pair.js";
import { withPg } from "../kinds/postgres/pair.js";
import { until } from "../cluster/until.js";
import { cookieHeader } from "../workload/http-client.js";
import type { Target } from "../workload/probes.js";
import { queryRows, type SqlTarget } from "../workload/data-probes.js";
import type { RunContext } from "./define.js";

export interface Targets {
  readonly caddy: Target;
  readonly haproxy: Target;
  readonly gra: Target;
  readonly sbg: Target;
}

/** Where probes can send: Caddy, HAProxy's web frontend, or one site directly. */
export function targets(topology: StartedTopology): Targets {
  const e = topology.endpoints();
  return {
    caddy: { url: e.caddy, via: "caddy" },
    haproxy: { url: e.haproxyWeb, via: "haproxy" },
    gra: { url: e.apps.gra, via: "gra" },
    sbg: { url: e.apps.sbg, via: "sbg" },
  };
}

/** Creates products through one site and waits until the replica serves each (so reads start from a known state). */
export async function seedProducts(ctx: RunContext, via: Target, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${ctx.tag}-p${String(i)}`);
  for (const id of keys) {
    const r = await ctx.http.call("POST", `${via.url}/products`, { body: { id, name: "seed", priceCents: 100 } });
    if (r.status !== 201) throw new Error(`seeding product ${id}: ${String(r.status)} ${JSON.stringify(r.body)}`);
  }
  for (const id of keys) {
    await until(`product ${id} on the replica`, 5000, async () => ((await ctx.http.call("GET", `${via.url}/products/${id}`)).status === 200 ? true : undefined));
  }
  return keys;
}

/** Logs in through a target; returns the Cookie header to send (the session, and HAProxy's SRV when it set one). */
export async function login(ctx: RunContext, via: Target, store: string, name: string, cookie = ""): Promise<string> {
  const r = await ctx.http.call("POST", `${via.url}/session`, { body: { name, store }, cookie });
  if (r.status !== 201) throw new Error(`login (${store}) through ${via.via}: ${String(r.status)} ${JSON.stringify(r.body)}`);
  return cookieHeader(r.setCookie, cookie);
}

/** Ids with a prefix on whichever Postgres node is primary now (not in recovery). */
export async function productsOnPrimary(topology: StartedTopology, prefix: string): Promise<Set<string> | null> {
  for (const node of [topology.node("pg-primary"), topology.node("pg-replica")]) {
    const ids = await withPg(node, async (c) => {
      const rec = await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
      if (rec.rows[0]?.r !== false) return null;
      const rows = await c.query<{ id: string }>("SELECT id FROM products WHERE id LIKE $1", [`${prefix}%`]);
      return new Set(rows.rows.map((r) => r.id));
    }).catch(() => null);
    if (ids) return ids;
  }
  return null;
}

/** Item ids with a prefix on each MariaDB node. */
export async function itemsOnEachNode(topology: StartedTopology, prefix: string): Promise<Record<"mysql-1" | "mysql-2", Set<string> | null>> {
  const read = (role: "mysql-1" | "mysql-2") =>
    withMysql(topology.node(role), async (c) => {
      const [rows] = await c.query("SELECT id FROM brownout.items WHERE id LIKE ?", [`${prefix}%`]);
      return new Set((rows as { id: string }[]).map((r) => r.id));
    }).catch(() => null);
  const [one, two] = await Promise.all([read("mysql-1"), read("mysql-2")]);
  return { "mysql-1": one, "mysql-2": two };
}

/** Which rows of a table to compare: its key column, and the keys' prefix (this run's rows only). */
export interface RowSelection {
  readonly table: string;
  readonly key: string;
  readonly prefix: string;
  /**
   * The columns compared (default: all). Leave out what each database fills in for itself, such as a
   * `DEFAULT CURRENT_TIMESTAMP` evaluated by each of two databases written separately.
   */
  readonly columns?: readonly string[];
}

const IDENT = /^[a-z_][a-z0-9_.]*$/i;

function checked(s: RowSelection): RowSelection {
  for (const name of [s.table, s.key, ...(s.columns ?? [])]) if (!IDENT.test(name)) throw new Error(`'${name}' is not a plain SQL name`);
  return s;
}

/** The select list: the key first, then the compared columns. */
const selectList = (s: RowSelection) => (s.columns ? [s.key, ...s.columns.filter((c) => c !== s.key)].join(", ") : "*");

/** Each row as one canonical text (its columns in the table's order), by key. */
const canonical = (rows: readonly Record<string, unknown>[], key: string) =>
  new Map(rows.map((r) => [String(r[key]), JSON.stringify(Object.values(r), (_, v: unknown) => (v instanceof Date ? v.toISOString() : v))]));

/**
 * Any database's rows of a table, by key, for the divergence checker, read as the team's own user on its own
 * database (a declared node's, say: `sqlTarget(topology, "mysql2", ...)`); null when it could not be read.
 */
export async function rowsByKey(target: SqlTarget, selection: RowSelection): Promise<Map<string, string> | null> {
  const s = checked(selection);
  const param = target.engine === "postgres" ? "$1" : "?";
  return queryRows(target, `SELECT ${selectList(s)} FROM ${s.table} WHERE ${s.key} LIKE ${param} ORDER BY ${s.key}`, [`${s.prefix}%`]).then(
    (rows) => canonical(rows, s.key),
    () => null,
  );
}

/**
 * Where a node's database answers from the host, as the team's user on its own database: for sqlProbe and
 * rowsByKey (evaluated when called: a restarted node has a new host port).
 */
export function sqlTarget(topology: StartedTopology, node: string, o: { readonly engine: SqlTarget["engine"]; readonly port: number; readonly user: string; readonly password: string; readonly database: string }): () => SqlTarget {
  return () => {
    const c = topology.node(node);
    return { engine: o.engine, host: c.getHost(), port: c.getMappedPort(o.port), user: o.user, password: o.password, database: o.database };
  };
}

/** A Postgres node's rows of a table, by key, for the divergence checker (null: it could not be read). */
export async function pgRowsByKey(node: StartedTestContainer, selection: RowSelection): Promise<Map<string, string> | null> {
  const s = checked(selection);
  return withPg(node, async (c) => {
    const r = await c.query<Record<string, unknown>>(`SELECT ${selectList(s)} FROM ${s.table} WHERE ${s.key} LIKE $1 ORDER BY ${s.key}`, [`${s.prefix}%`]);
    return canonical(r.rows, s.key);
  }).catch(() => null);
}

/** A MariaDB node's rows of a table (`db.table`), by key, for the divergence checker (null: it could not be read). */
export async function mysqlRowsByKey(node: StartedTestContainer, selection: RowSelection): Promise<Map<string, string> | null> {
  const s = checked(selection);
  return withMysql(node, async (c) => {
    const [rows] = await c.query(`SELECT ${selectList(s)} FROM ${s.table} WHERE ${s.key} LIKE ? ORDER BY ${s.key}`, [`${s.prefix}%`]);
    return canonical(rows as Record<string, unknown>[], s.key);
  }).catch(() => null);
}

export const union = (...sets: (ReadonlySet<string> | null)[]): Set<string> | null =>
  sets.some((s) => s === null) ? null : new Set(sets.flatMap((s) => [...(s ?? [])]));
