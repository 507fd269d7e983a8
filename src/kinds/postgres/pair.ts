import { readFileSync } from "node:fs";
import { fixture } from "../../paths.js";
import pg from "pg";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { type DetectionTimings, FACTS_QUERY_TIMEOUT_MS, type PostgresSettings } from "../../cluster/topology.js";
import { linkAddress } from "../toxiproxy/links.js";

export const PG_CREDENTIALS = { user: "postgres", password: "brownout", database: "postgres" } as const;
const REPL = { BROWNOUT_PG_REPL_USER: "replicator", BROWNOUT_PG_REPL_PASSWORD: "replicator" } as const;
/** The app's tables, made on the primary before the replica clones it. */
/** A physical slot keeps the WAL a cut-off replica still needs, so it can catch up after a partition heals. */
const SLOT = "pg_replica";

/**
 * Where a primary with a small WAL volume (`postgres.walVolumeMb`) keeps pg_wal: a tmpfs of that size, which
 * lives as long as the container (so this is for faults that leave the container running), and how long its
 * supervisor waits before starting a postmaster that exited again.
 */
export const PG_WAL_VOLUME = "/var/lib/postgresql/walfs";
export const PG_RESTART_DELAY_MS = 1000;
/** initdb's WAL segment size, which the image keeps: a new segment file takes this much of pg_wal's volume. */
export const PG_WAL_SEGMENT_MB = 16;

export interface PostgresPair {
  readonly primary: StartedTestContainer;
  readonly replica: StartedTestContainer;
  /** Seed 001's second, independent database, when the spec has one (`postgres.db2`). */
  readonly db2?: StartedTestContainer;
}

/** How the harness reaches a node from the host. */
export function pgConnection(container: StartedTestContainer): pg.ClientConfig {
  return { host: container.getHost(), port: container.getMappedPort(PORTS.postgres), ...PG_CREDENTIALS };
}

export function pgClient(container: StartedTestContainer): pg.Client {
  const client = new pg.Client({ ...pgConnection(container), connectionTimeoutMillis: FACTS_QUERY_TIMEOUT_MS });
  // A server that cuts the connection (a primary whose disk filled, a node killed mid-query) also emits 'error';
  // the query's own rejection reports it, and an unheard event would end the runner's process.
  client.on("error", () => undefined);
  return client;
}

export async function withPg<T>(container: StartedTestContainer, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = pgClient(container);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * pg-primary and pg-replica, started together. Both start from the image's pre-made cluster: the primary applies
 * its settings and makes the replica's slot before it listens; the replica starts in standby mode from its own
 * copy of that same cluster and streams through the Toxiproxy link `pg-replication` from there (see the image's
 * entrypoint), so it neither waits for the primary nor copies it. The app's tables are made on the primary as soon
 * as it serves and reach the replica by streaming; verify() waits for the replay to catch up.
 */
export async function startPostgresPair(
  network: StartedNetwork,
  timings: DetectionTimings,
  settings: PostgresSettings = { synchronous: false, replicaSettings: {}, db2: false, walVolumeMb: 0 },
  schema: string = fixture("sql", "postgres.sql"),
): Promise<PostgresPair> {
  const { synchronous, replicaSettings, db2 } = settings;
  // The app's tables, made on a primary as soon as it serves.
  const withSchema = async (node: StartedTestContainer) => {
    await withPg(node, (c) => c.query(readFileSync(schema, "utf8")));
    return node;
  };
  const link = linkAddress("pg-replication");
  // pg_wal on a volume of its own, which can fill up; a supervised postmaster comes back once it has room again.
  const walVolume = settings.walVolumeMb > 0 ? { BROWNOUT_PG_WAL_DIR: PG_WAL_VOLUME, BROWNOUT_PG_SUPERVISE: "1", BROWNOUT_PG_RESTART_S: String(PG_RESTART_DELAY_MS / 1000) } : {};
  const primaryNode = nodeContainer("postgres")
    .withLabels(runLabels("pg-primary"))
    .withNetwork(network)
    .withNetworkAliases("pg-primary")
    .withEnvironment({ POSTGRES_PASSWORD: PG_CREDENTIALS.password, BROWNOUT_PG_SLOTS: SLOT, ...REPL, ...walVolume });
  const primaryStarted = (settings.walVolumeMb > 0 ? primaryNode.withTmpFs({ [PG_WAL_VOLUME]: `rw,size=${String(settings.walVolumeMb)}m` }) : primaryNode)
    .start()
    .then(withSchema);
  const replicaStarted = nodeContainer("postgres")
    .withLabels(runLabels("pg-replica"))
    .withNetwork(network)
    .withNetworkAliases("pg-replica")
    .withEnvironment({
      BROWNOUT_PG_ROLE: "replica",
      BROWNOUT_PG_PRIMARY_HOST: link.host,
      BROWNOUT_PG_PRIMARY_PORT: String(link.port),
      BROWNOUT_PG_SLOT: SLOT,
      BROWNOUT_PG_APP_NAME: "pg-replica",
      ...REPL,
    })
    .withCommand([
      "postgres",
      "-c",
      `wal_receiver_timeout=${String(timings.postgres.walReceiverTimeoutMs)}ms`,
      "-c",
      `wal_retrieve_retry_interval=${String(timings.postgres.walRetrieveRetryMs)}ms`,
      ...Object.entries(replicaSettings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ])
    .start();
  // A primary of its own from the same pre-made cluster, with no slot and no standby: nothing links it to the pair.
  const db2Started = db2
    ? nodeContainer("postgres")
        .withLabels(runLabels("pg-db2"))
        .withNetwork(network)
        .withNetworkAliases("pg-db2")
        .withEnvironment({ POSTGRES_PASSWORD: PG_CREDENTIALS.password })
        .start()
        .then(withSchema)
    : Promise.resolve(undefined);
  // All settle before an error is thrown: the topology's clean-up then finds every container this made.
  const [p, r, d] = await Promise.allSettled([primaryStarted, replicaStarted, db2Started]);
  if (p.status === "rejected") throw p.reason;
  if (r.status === "rejected") throw r.reason;
  if (d.status === "rejected") throw d.reason;
  const [primary, replica] = [p.value, r.value];
  // Set on the primary only, once both run: from here on its commits wait for pg-replica (until the replica
  // streams, they wait for it to connect); a promoted replica waits for no one.
  const primarySettings = { ...(synchronous ? { synchronous_standby_names: '"pg-replica"' } : {}), ...settings.primarySettings };
  if (Object.keys(primarySettings).length > 0) {
    await withPg(primary, async (c) => {
      for (const [k, v] of Object.entries(primarySettings)) await c.query(`ALTER SYSTEM SET ${pg.escapeIdentifier(k)} = ${pg.escapeLiteral(v)}`);
      await c.query("SELECT pg_reload_conf()");
    });
  }
  return { primary, replica, ...(d.value ? { db2: d.value } : {}) };
}

export interface PostgresFacts {
  /** pg_stat_replication's state for pg-replica on the primary, or "absent". */
  readonly replication: string;
  readonly replayLagBytes: number | null;
  readonly primaryInRecovery: boolean;
  readonly replicaInRecovery: boolean;
  /** Seed 001's second database, when there is one: whether it is a primary, or why it did not answer. */
  readonly db2?: { readonly inRecovery: boolean } | { readonly unreachable: string };
}

/** pg_is_in_recovery() on a node: true on a standby. */
const inRecovery = (node: StartedTestContainer) => withPg(node, async (c) => (await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r ?? false);

export async function postgresFacts(pair: PostgresPair): Promise<PostgresFacts> {
  const [primary, replicaInRecovery, db2] = await Promise.all([
    withPg(pair.primary, async (c) => {
      const rec = await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
      const rep = await c.query<{ state: string; lag: string | null }>(
        "SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text AS lag FROM pg_stat_replication WHERE application_name = 'pg-replica'",
      );
      return { inRecovery: rec.rows[0]?.r ?? false, row: rep.rows[0] };
    }),
    inRecovery(pair.replica),
    // Read alongside the pair: facts are polled, and a second primary should not make each poll longer.
    pair.db2 ? inRecovery(pair.db2).then((r) => ({ inRecovery: r }), (e: unknown) => ({ unreachable: e instanceof Error ? e.message : String(e) })) : undefined,
  ]);
  return {
    replication: primary.row?.state ?? "absent",
    replayLagBytes: primary.row?.lag == null ? null : Number(primary.row.lag),
    primaryInRecovery: primary.inRecovery,
    replicaInRecovery,
    ...(db2 ? { db2 } : {}),
  };
}

/** What is off in the facts; empty when the pair is in steady state. */
export function postgresProblems(f: PostgresFacts): string[] {
  const problems: string[] = [];
  if (f.replication !== "streaming") problems.push(`pg-replica replication is ${f.replication}, not streaming`);
  if (f.replayLagBytes !== 0) problems.push(`pg-replica replay lags by ${String(f.replayLagBytes)} bytes`);
  if (f.primaryInRecovery) problems.push("pg-primary is in recovery (not a primary)");
  if (!f.replicaInRecovery) problems.push("pg-replica is not in recovery (a second primary)");
  if (f.db2 && "unreachable" in f.db2) problems.push(`pg-db2 does not answer: ${f.db2.unreachable}`);
  else if (f.db2?.inRecovery) problems.push("pg-db2 is in recovery (not a primary)");
  return problems;
}
