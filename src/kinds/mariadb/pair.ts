import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import type { StartedTestContainer } from "testcontainers";
import { PORTS } from "../../cluster/containers.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";


export const MYSQL_CREDENTIALS = { user: "root", password: "brownout" } as const;
export const REPL = { user: "replicator", password: "replicator" } as const;
export const MYSQL_ROLES = ["mysql-1", "mysql-2"] as const;

/**
 * MariaDB's replication timeouts the pair leaves at their defaults: a replica's IO thread takes its connection for
 * dead only after slave_net_timeout without data (heartbeats every half of it), so after a partition that dropped
 * packets (no reset) both threads still say Yes while nothing flows, for up to this long after the heal.
 */
export const MARIADB_DEFAULTS = { slaveNetTimeoutMs: 60_000 } as const;

/** A replica's IO thread that lost its master tries again this often (CHANGE MASTER's MASTER_CONNECT_RETRY). */
export const MYSQL_CONNECT_RETRY_MS = 1000;
export type MysqlRole = (typeof MYSQL_ROLES)[number];

export async function withMysql<T>(container: StartedTestContainer, fn: (c: mysql.Connection) => Promise<T>, database?: string): Promise<T> {
  const conn = await mysql.createConnection({
    host: container.getHost(),
    port: container.getMappedPort(PORTS.mysql),
    ...MYSQL_CREDENTIALS,
    ...(database ? { database } : {}),
    connectTimeout: FACTS_QUERY_TIMEOUT_MS,
  });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** Points one node at the other and starts replication from the GTID position it has applied. */
export async function replicateFrom(container: StartedTestContainer, source: string): Promise<void> {
  await withMysql(container, async (c) => {
    // HAProxy's mysql-check logs in as this password-less user; made on each node, outside the binlog.
    await c.query("SET sql_log_bin = 0");
    await c.query("CREATE USER IF NOT EXISTS 'haproxy_check'@'%'");
    await c.query("SET sql_log_bin = 1");
    await c.query(
      `CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ${String(PORTS.mysql)}, MASTER_USER = ?, MASTER_PASSWORD = ?, ` +
        `MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = ${String(MYSQL_CONNECT_RETRY_MS / 1000)}`,
      [source, REPL.user, REPL.password],
    );
    await c.query("START SLAVE");
  });
}

/** A schema file's statements run on a node (its binlog carries them to the node replicating from it). */
export async function loadSchema(container: StartedTestContainer, schema: string): Promise<void> {
  await withMysql(container, async (c) => {
    for (const statement of readFileSync(schema, "utf8").split(/;\s*$/m)) {
      const sql = statement.replace(/^--.*$/gm, "").trim();
      if (sql) await c.query(sql);
    }
  });
}

export interface MysqlNodeFacts {
  readonly io: string;
  readonly sql: string;
  readonly secondsBehind: number | null;
  readonly lastError: string;
  readonly gtidCurrentPos: string;
}

/** Each node's replication threads and GTID position, by node name. */
export type MysqlFacts = Readonly<Record<string, MysqlNodeFacts | { readonly unreachable: string }>>;

/** One node's replication threads and GTID position, or why it did not answer. */
export function mysqlNodeFacts(container: StartedTestContainer): Promise<MysqlNodeFacts | { unreachable: string }> {
  return withMysql(container, async (c) => {
    const [rows] = await c.query<mysql.RowDataPacket[]>("SHOW SLAVE STATUS");
    const [gtid] = await c.query<mysql.RowDataPacket[]>("SELECT @@gtid_current_pos AS pos");
    const s = rows[0];
    return {
      io: String(s?.Slave_IO_Running ?? "absent"),
      sql: String(s?.Slave_SQL_Running ?? "absent"),
      secondsBehind: s?.Seconds_Behind_Master == null ? null : Number(s.Seconds_Behind_Master),
      lastError: String(s?.Last_Error ?? s?.Last_IO_Error ?? ""),
      gtidCurrentPos: String(gtid[0]?.pos ?? ""),
    };
  }).catch((e: unknown) => ({ unreachable: e instanceof Error ? e.message : String(e) }));
}

/** Steady state of nodes replicating each other: threads running, nothing behind, every GTID position the same. */
export function mysqlProblems(f: MysqlFacts): string[] {
  const problems: string[] = [];
  for (const [role, n] of Object.entries(f)) {
    if ("unreachable" in n) {
      problems.push(`${role} is unreachable: ${n.unreachable}`);
      continue;
    }
    if (n.io !== "Yes" || n.sql !== "Yes") problems.push(`${role} replication threads: IO ${n.io}, SQL ${n.sql}${n.lastError ? ` (${n.lastError})` : ""}`);
    else if (n.secondsBehind !== 0) problems.push(`${role} is ${String(n.secondsBehind)} s behind its master`);
  }
  // Every direction applied: the nodes have the same GTID position in every domain.
  const answered = Object.entries(f).filter((e): e is [string, MysqlNodeFacts] => !("unreachable" in e[1]));
  const [first, ...rest] = answered;
  if (first) {
    const [name, f0] = first;
    for (const [role, n] of rest) {
      if (sortGtid(f0.gtidCurrentPos) !== sortGtid(n.gtidCurrentPos)) problems.push(`${name} and ${role} differ in GTID position: ${f0.gtidCurrentPos || "(empty)"} vs ${n.gtidCurrentPos || "(empty)"}`);
    }
  }
  return problems;
}

function sortGtid(pos: string): string {
  return pos.split(",").map((s) => s.trim()).filter(Boolean).sort().join(",");
}
