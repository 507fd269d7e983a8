import { readFileSync } from "node:fs";
import { fixture } from "../../paths.js";
import mysql from "mysql2/promise";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";


export const MYSQL_CREDENTIALS = { user: "root", password: "brownout" } as const;
const REPL = { user: "replicator", password: "replicator" } as const;
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

export type MysqlPair = Readonly<Record<MysqlRole, StartedTestContainer>>;

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

function node(network: StartedNetwork, role: MysqlRole, index: 1 | 2) {
  return nodeContainer("mysql")
    .withLabels(runLabels(role))
    .withNetwork(network)
    .withNetworkAliases(role)
    .withEnvironment({
      MYSQL_ROOT_PASSWORD: MYSQL_CREDENTIALS.password,
      // Distinct server and GTID domain ids, and interleaved auto-increments (odd on mysql-1, even on
      // mysql-2), so the two masters never hand out the same id.
      BROWNOUT_MYSQL_SERVER_ID: String(index),
      BROWNOUT_MYSQL_DOMAIN_ID: String(index),
      BROWNOUT_MYSQL_AUTO_INCREMENT_INCREMENT: "2",
      BROWNOUT_MYSQL_AUTO_INCREMENT_OFFSET: String(index),
      BROWNOUT_MYSQL_REPL_USER: REPL.user,
      BROWNOUT_MYSQL_REPL_PASSWORD: REPL.password,
    });
}

/** Points one node at the other and starts replication from the GTID position it has applied. */
async function replicateFrom(container: StartedTestContainer, source: MysqlRole): Promise<void> {
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

/** mysql-1 and mysql-2, each a master and each a replica of the other. */
export async function startMysqlPair(network: StartedNetwork, schema: string = fixture("sql", "mysql.sql")): Promise<MysqlPair> {
  const [one, two] = await Promise.all([node(network, "mysql-1", 1).start(), node(network, "mysql-2", 2).start()]);
  await Promise.all([replicateFrom(one, "mysql-2"), replicateFrom(two, "mysql-1")]);
  // The app's tables, made on mysql-1 once replication runs, so mysql-2 gets them through its binlog.
  await withMysql(one, async (c) => {
    for (const statement of readFileSync(schema, "utf8").split(/;\s*$/m)) {
      const sql = statement.replace(/^--.*$/gm, "").trim();
      if (sql) await c.query(sql);
    }
  });
  return { "mysql-1": one, "mysql-2": two };
}

export interface MysqlNodeFacts {
  readonly io: string;
  readonly sql: string;
  readonly secondsBehind: number | null;
  readonly lastError: string;
  readonly gtidCurrentPos: string;
}

export type MysqlFacts = Readonly<Record<MysqlRole, MysqlNodeFacts | { readonly unreachable: string }>>;

export async function mysqlFacts(pair: MysqlPair): Promise<MysqlFacts> {
  const one = async (role: MysqlRole): Promise<MysqlNodeFacts | { unreachable: string }> =>
    withMysql(pair[role], async (c) => {
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
  const [a, b] = await Promise.all([one("mysql-1"), one("mysql-2")]);
  return { "mysql-1": a, "mysql-2": b };
}

export function mysqlProblems(f: MysqlFacts): string[] {
  const problems: string[] = [];
  for (const role of MYSQL_ROLES) {
    const n = f[role];
    if ("unreachable" in n) {
      problems.push(`${role} is unreachable: ${n.unreachable}`);
      continue;
    }
    if (n.io !== "Yes" || n.sql !== "Yes") problems.push(`${role} replication threads: IO ${n.io}, SQL ${n.sql}${n.lastError ? ` (${n.lastError})` : ""}`);
    else if (n.secondsBehind !== 0) problems.push(`${role} is ${String(n.secondsBehind)} s behind its master`);
  }
  const a = f["mysql-1"];
  const b = f["mysql-2"];
  // Both directions applied: the two nodes have the same GTID position in every domain.
  if (!("unreachable" in a) && !("unreachable" in b) && sortGtid(a.gtidCurrentPos) !== sortGtid(b.gtidCurrentPos)) {
    problems.push(`mysql-1 and mysql-2 differ in GTID position: ${a.gtidCurrentPos || "(empty)"} vs ${b.gtidCurrentPos || "(empty)"}`);
  }
  return problems;
}

function sortGtid(pos: string): string {
  return pos.split(",").map((s) => s.trim()).filter(Boolean).sort().join(",");
}
