import pg from "pg";
import type { StartedTestContainer } from "testcontainers";
import { PORTS } from "../../cluster/containers.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";

export const PG_CREDENTIALS = { user: "postgres", password: "brownout", database: "postgres" } as const;

/**
 * Where a primary with a small WAL volume (`postgres.walVolumeMb`) keeps pg_wal: a tmpfs of that size, which
 * lives as long as the container (so this is for faults that leave the container running), and how long its
 * supervisor waits before starting a postmaster that exited again.
 */
export const PG_WAL_VOLUME = "/var/lib/postgresql/walfs";
export const PG_RESTART_DELAY_MS = 1000;
/** initdb's WAL segment size, which the image keeps: a new segment file takes this much of pg_wal's volume. */
export const PG_WAL_SEGMENT_MB = 16;

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

