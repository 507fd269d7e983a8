import { type PostgresPair, withPg } from "./pair.js";

export interface PostgresView {
  readonly walReceiverTimeoutMs: number;
  readonly recoveryMinApplyDelayMs: number;
  readonly synchronousStandbyNames: string;
  /** pg-replica as the primary sees it, or null when it is not connected. */
  readonly replication: { readonly state: string; readonly syncState: string } | null;
}


/** Postgres reports settings in its own units: wal_receiver_timeout and recovery_min_apply_delay in ms. */
const settingMs = (v: string | undefined) => (v === undefined ? Number.NaN : Number(v));

/** Settings and replication state as the running primary and replica report them. */
export async function postgresView(pair: PostgresPair): Promise<PostgresView> {
  const [replica, primary] = await Promise.all([
    withPg(pair.replica, async (c) => {
      const r = await c.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('wal_receiver_timeout', 'recovery_min_apply_delay')");
      return new Map(r.rows.map((x) => [x.name, x.setting]));
    }),
    withPg(pair.primary, async (c) => {
      const names = await c.query<{ s: string }>("SELECT current_setting('synchronous_standby_names') AS s");
      const rep = await c.query<{ state: string; sync_state: string }>("SELECT state, sync_state FROM pg_stat_replication WHERE application_name = 'pg-replica'");
      return { names: names.rows[0]?.s ?? "", rep: rep.rows[0] };
    }),
  ]);
  return {
    walReceiverTimeoutMs: settingMs(replica.get("wal_receiver_timeout")),
    recoveryMinApplyDelayMs: settingMs(replica.get("recovery_min_apply_delay")),
    synchronousStandbyNames: primary.names,
    replication: primary.rep ? { state: primary.rep.state, syncState: primary.rep.sync_state } : null,
  };
}
