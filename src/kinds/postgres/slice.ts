import type { NodeDeclaration, TopologySpec } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import { fixture } from "../../paths.js";
import { linkAddress } from "../toxiproxy/links.js";
import type { PostgresNodeSettings } from "./node.js";

/** A physical slot keeps the WAL a cut-off replica still needs, so it can catch up after a partition heals. */
const SLOT = "pg_replica";

/**
 * The postgres slice (seed 004): pg-primary, and pg-replica streaming from it through the Toxiproxy link
 * `pg-replication` (so a toxic or a partition reaches replication alone); with `postgres.db2`, seed 001's second,
 * independent database pg-db2 (a primary of its own: no slot, no standby). The app's tables are made on each
 * primary once it serves; a synchronous pair's primary waits for pg-replica from then on.
 */
export function postgresNodes(spec: TopologySpec): NodeDeclaration[] {
  if (!spec.slices.includes("postgres")) return [];
  const p = spec.postgres;
  const schema = spec.files.postgresSchema ?? fixture("sql", "postgres.sql");
  const link = linkAddress("pg-replication");
  const t = spec.timings.postgres;
  const primary: PostgresNodeSettings = {
    role: "primary",
    slots: [SLOT],
    settings: {},
    altered: { ...(p.synchronous ? { synchronous_standby_names: '"pg-replica"' } : {}), ...p.primarySettings },
    walVolumeMb: p.walVolumeMb,
    schema,
  };
  const replica: PostgresNodeSettings = {
    role: "replica",
    slots: [],
    primary: { node: "pg-primary", host: link.host, port: link.port, slot: SLOT },
    settings: { wal_receiver_timeout: `${String(t.walReceiverTimeoutMs)}ms`, wal_retrieve_retry_interval: `${String(t.walRetrieveRetryMs)}ms`, ...p.replicaSettings },
    altered: {},
    walVolumeMb: 0,
  };
  const db2: PostgresNodeSettings = { role: "primary", slots: [], settings: {}, altered: {}, walVolumeMb: 0, schema };
  return [
    { name: "pg-primary", kind: "postgres", settings: primary },
    { name: "pg-replica", kind: "postgres", settings: replica },
    ...(p.db2 ? [{ name: "pg-db2", kind: "postgres", settings: db2 }] : []),
  ];
}

registerSpecNodes("postgres", postgresNodes);
