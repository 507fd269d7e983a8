import type { StartedTestContainer } from "testcontainers";
import { addressOf } from "../../cluster/address.js";
import { PORTS } from "../../cluster/containers.js";
import { inRecovery, replicationOf } from "./node.js";

/** The built-in pair as it is now: pg-replica's replication as pg-primary sees it, and each node's recovery state. */
export interface PostgresState {
  /** pg_stat_replication's state for pg-replica on the primary, or "absent" (or why the primary did not answer). */
  readonly replication: string;
  readonly replayLagBytes: number | null;
  readonly primaryInRecovery: boolean | null;
  readonly replicaInRecovery: boolean | null;
}

/** Reads the built-in pair's state from a running stack (pg-primary and pg-replica), for a scenario's observations. */
export async function postgresStateOf(topology: { node(name: string): StartedTestContainer }): Promise<PostgresState> {
  const primary = addressOf(topology.node("pg-primary"), [PORTS.postgres]);
  const replica = addressOf(topology.node("pg-replica"), [PORTS.postgres]);
  const orNull = <T>(p: Promise<T>) => p.catch(() => null);
  const [rep, primaryInRecovery, replicaInRecovery] = await Promise.all([
    replicationOf(primary, "pg-replica").catch((e: unknown) => ({ state: `unreadable (${e instanceof Error ? e.message : String(e)})`, syncState: "", lagBytes: null })),
    orNull(inRecovery(primary)),
    orNull(inRecovery(replica)),
  ]);
  return { replication: rep?.state ?? "absent", replayLagBytes: rep?.lagBytes ?? null, primaryInRecovery, replicaInRecovery };
}
