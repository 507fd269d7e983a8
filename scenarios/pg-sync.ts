import pg from "pg";
import { bound, control, type Demonstration, measurement, PG_CREDENTIALS, haproxyOf } from "../src/index.js";

const NAME = "mechanism: commits through pg-write wait for the standby (synchronous replication at work)";

/**
 * Synchronous replication shown at work rather than read from `sync_state`: the writer's own session (through
 * pg-write, with the app's credentials) reads `synchronous_commit` and `synchronous_standby_names` as it sees
 * them; then, with pg-replica's replication link down, one commit on that session must not be acknowledged within
 * the app's dependency timeout (the time in which the app would have told a user "saved"), and once the link is
 * back it must complete, within the replica's retry interval and receiver timeout. A commit acknowledged while
 * the standby could not have it is a guarantee configured but not in force (`synchronous_commit = local`, a
 * standby name that matches nothing, synchronous replication dropped).
 */
export const syncCommitsWait: Demonstration = async (topology, spec, hold) => {
  const waitMs = spec.timings.app.depTimeoutMs;
  const resumeWithin = bound(["wal_retrieve_retry_interval", spec.timings.postgres.walRetrieveRetryMs], ["wal_receiver_timeout", spec.timings.postgres.walReceiverTimeoutMs], ...measurement(spec));
  const client = new pg.Client({ ...haproxyOf(topology).endpoint("pg-write"), ...PG_CREDENTIALS, connectionTimeoutMillis: waitMs });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const seen = (await client.query<{ commit: string; names: string }>("SELECT current_setting('synchronous_commit') AS commit, current_setting('synchronous_standby_names') AS names")).rows[0];
    const settings = `the writer's session sees synchronous_commit = ${seen?.commit ?? "?"}, synchronous_standby_names = '${seen?.names ?? ""}'`;
    const cut = await topology.toxic("pg-replication", { type: "down" });
    const t0 = performance.now();
    const commit = client.query("INSERT INTO products (id, name, price_cents) VALUES ($1, 'sync-commit-probe', 0)", [`sync-probe-${String(Date.now())}`]).then(
      () => performance.now() - t0,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    const early = await Promise.race([commit, hold(waitMs).then(() => null)]);
    await cut.heal();
    const done = early ?? (await Promise.race([commit, hold(waitMs + resumeWithin.ms).then(() => null)]));
    const failed = done instanceof Error ? done.message : null;
    const ackMs = typeof done === "number" ? Math.round(done) : null;
    const waited = early === null;
    const resumed = waited && ackMs !== null && ackMs <= waitMs + resumeWithin.ms;
    return control(
      NAME,
      waited && resumed,
      `${settings}; with pg-replica's link down, a commit through pg-write was ${waited ? `not acknowledged within ${String(waitMs)} ms (the app's dependency timeout)` : ackMs !== null ? `acknowledged in ${String(ackMs)} ms: it did not wait for the standby` : `refused: ${failed ?? "?"}`}${waited ? `; after the link came back it ${ackMs !== null ? `was acknowledged ${String(ackMs - waitMs)} ms later (within ${resumeWithin.derivation})` : failed ? `failed: ${failed}` : "was still waiting"}` : ""}`,
      { commitAckMs: ackMs, waitedMs: waitMs, synchronousCommit: seen?.commit ?? null },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
};
