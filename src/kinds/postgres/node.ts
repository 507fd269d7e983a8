import { readFileSync } from "node:fs";
import pg from "pg";
import type { NodeAddress } from "../../cluster/address.js";
import { nodeOf } from "../../cluster/address.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { activeFault } from "../../cluster/fault-handle.js";
import { runLabels } from "../../cluster/labels.js";
import type { NodeKind } from "../../nodes/kind.js";
import { expect, isPort, isString, isStringMap, isStrings, knownKeys, orDefault } from "../../nodes/settings.js";
import { PG_CREDENTIALS, PG_RESTART_DELAY_MS, PG_WAL_VOLUME, withPg } from "./pair.js";
import { catalogImage } from "../../images/catalog-image.js";
import { UserError } from "../../errors.js";

const REPL = { BROWNOUT_PG_REPL_USER: "replicator", BROWNOUT_PG_REPL_PASSWORD: "replicator" } as const;

export interface PostgresNodeSettings {
  /** A read-write server, or a standby streaming from another node (through `streamsFrom`, a link to it, say). */
  readonly role: "primary" | "replica";
  /** A primary's physical replication slots, made before it listens: a cut-off standby catches up from them. */
  readonly slots: readonly string[];
  /** A replica: the node it replicates from (what verify() asks its replication state of), where it reaches it, its slot. */
  readonly primary?: { readonly node: string; readonly host: string; readonly port: number; readonly slot?: string };
  /** Server settings on its command line (`wal_receiver_timeout`: `5000ms`). */
  readonly settings: Readonly<Record<string, string>>;
  /** Settings set with ALTER SYSTEM once its group runs (`synchronous_standby_names` on a primary: its commits then wait). */
  readonly altered: Readonly<Record<string, string>>;
  /** pg_wal on a tmpfs of this many MiB, which a disk-full fault may fill; the postmaster supervised. 0: none. */
  readonly walVolumeMb: number;
  /** A schema file run once it serves (on a primary: its standbys get it by streaming). */
  readonly schema?: string;
}

const KEYS = ["role", "slots", "primary", "settings", "altered", "walVolumeMb", "schema"] as const;

function primaryOf(node: string, v: unknown): PostgresNodeSettings["primary"] {
  const p = v as { node?: unknown; host?: unknown; port?: unknown; slot?: unknown } | undefined;
  if (typeof p !== "object" || !isString(p.node) || !isString(p.host) || !isPort(p.port) || (p.slot !== undefined && !isString(p.slot))) {
    throw new UserError(`node '${node}' (postgres): 'primary' is { node, host, port, slot? } (the node it streams from and where it reaches it)`);
  }
  return { node: p.node, host: p.host, port: p.port, ...(p.slot === undefined ? {} : { slot: p.slot }) };
}

/** pg_is_in_recovery() on a node: true on a standby. */
export async function inRecovery(address: NodeAddress): Promise<boolean> {
  return withPg(nodeOf(address), async (c) => (await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r ?? false);
}

/** A replica as its primary sees it (pg_stat_replication, by application name), or null when it is not connected. */
export async function replicationOf(primary: NodeAddress, replica: string): Promise<{ state: string; syncState: string; lagBytes: number | null } | null> {
  return withPg(nodeOf(primary), async (c) => {
    const r = await c.query<{ state: string; sync_state: string; lag: string | null }>(
      "SELECT state, sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text AS lag FROM pg_stat_replication WHERE application_name = $1",
      [replica],
    );
    const row = r.rows[0];
    return row ? { state: row.state, syncState: row.sync_state, lagBytes: row.lag == null ? null : Number(row.lag) } : null;
  });
}

/** What a PostgreSQL node has in force, read back from it: on a primary its standbys' states, on a replica its receiver's settings. */
export type PostgresReadBack =
  | { readonly role: "primary"; readonly inRecovery: boolean; readonly synchronousStandbyNames: string; readonly replication: Readonly<Record<string, { readonly state: string; readonly syncState: string }>> }
  | { readonly role: "replica"; readonly inRecovery: boolean; readonly walReceiverTimeoutMs: number; readonly recoveryMinApplyDelayMs: number };

async function readBack(address: NodeAddress, s: PostgresNodeSettings): Promise<PostgresReadBack> {
  return withPg(nodeOf(address), async (c) => {
    const recovery = (await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r ?? false;
    if (s.role === "primary") {
      const names = (await c.query<{ s: string }>("SELECT current_setting('synchronous_standby_names') AS s")).rows[0]?.s ?? "";
      const rows = (await c.query<{ application_name: string; state: string; sync_state: string }>("SELECT application_name, state, sync_state FROM pg_stat_replication")).rows;
      return { role: "primary", inRecovery: recovery, synchronousStandbyNames: names, replication: Object.fromEntries(rows.map((r) => [r.application_name, { state: r.state, syncState: r.sync_state }])) };
    }
    // PostgreSQL reports both in ms.
    const rows = (await c.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('wal_receiver_timeout', 'recovery_min_apply_delay')")).rows;
    const setting = (name: string) => Number(rows.find((r) => r.name === name)?.setting ?? Number.NaN);
    return { role: "replica", inRecovery: recovery, walReceiverTimeoutMs: setting("wal_receiver_timeout"), recoveryMinApplyDelayMs: setting("recovery_min_apply_delay") };
  });
}

/** What one node of a group said: whether it is in recovery, and for a replica its stream as its primary sees it. */
export type PostgresSays =
  | { readonly name: string; readonly role: "primary" | "replica"; readonly inRecovery: boolean; readonly stream?: { readonly state: string; readonly lagBytes: number | null } | null }
  | { readonly name: string; readonly role: "primary" | "replica"; readonly error: string; readonly paired: boolean };

/**
 * What is off across a group, by what its nodes said: each replica streaming with nothing left to replay, each
 * primary out of recovery and each replica in it (a second primary is a split). A paired node that did not answer
 * is `postgres: <error>` (what a scenario that kills one tolerates); a standalone one "does not answer".
 */
export function postgresProblemsOf(says: readonly PostgresSays[]): string[] {
  return says.flatMap((n): string[] => {
    if ("error" in n) return [n.paired ? `postgres: ${n.error}` : `${n.name} does not answer: ${n.error}`];
    if (n.role === "primary") return n.inRecovery ? [`${n.name} is in recovery (not a primary)`] : [];
    const out: string[] = [];
    if (n.stream?.state !== "streaming") out.push(`${n.name} replication is ${n.stream?.state ?? "absent"}, not streaming`);
    if (n.stream?.lagBytes !== 0) out.push(`${n.name} replay lags by ${String(n.stream?.lagBytes ?? null)} bytes`);
    if (!n.inRecovery) out.push(`${n.name} is not in recovery (a second primary)`);
    return out;
  });
}

/** Asks each node of a group what postgresProblemsOf judges: its recovery state, and a replica's stream from its primary. */
async function groupSays(nodes: readonly { readonly name: string; readonly address: NodeAddress; readonly settings: PostgresNodeSettings }[]): Promise<PostgresSays[]> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return Promise.all(
    nodes.map(async (n): Promise<PostgresSays> => {
      const role = n.settings.role;
      try {
        const primary = n.settings.primary ? byName.get(n.settings.primary.node) : undefined;
        const [standby, stream] = await Promise.all([inRecovery(n.address), role === "replica" && primary ? replicationOf(primary.address, n.name) : Promise.resolve(undefined)]);
        return { name: n.name, role, inRecovery: standby, ...(role === "replica" ? { stream: stream ?? null } : {}) };
      } catch (e) {
        const paired = n.settings.primary !== undefined || nodes.some((r) => r.settings.primary?.node === n.name);
        return { name: n.name, role, error: e instanceof Error ? e.message : String(e), paired };
      }
    }),
  );
}

/**
 * PostgreSQL (Debian's package, from the image's pre-made cluster) as a primary or a streaming standby. A primary
 * makes its slots before it listens; a replica starts in standby mode from its own copy of the same cluster and
 * streams from where its settings say (it neither waits for its primary nor copies it). Once the group runs, the
 * schema is loaded and ALTER SYSTEM settings applied. verify() wants every replica streaming with nothing to
 * replay; operation `promote` is pg_promote() (irreversible: nothing to heal).
 */
export const POSTGRES: NodeKind<PostgresNodeSettings> = {
  name: "postgres",
  summary: "PostgreSQL, a primary or a streaming standby; verify() wants every standby streaming, caught up; operation promote",
  settings(node) {
    const raw = knownKeys(node.name, "postgres", node.settings, KEYS);
    const n = node.name;
    const role = expect(n, "role", raw.role, (v): v is "primary" | "replica" => v === "primary" || v === "replica", "primary or replica");
    const primary = raw.primary === undefined ? undefined : primaryOf(n, raw.primary);
    if (role === "replica" && !primary) throw new UserError(`node '${n}' (postgres): a replica names its primary ({ node, host, port, slot? })`);
    return {
      role,
      slots: orDefault<readonly string[]>(n, raw, "slots", [], isStrings, "slot names"),
      ...(primary ? { primary } : {}),
      settings: orDefault<Readonly<Record<string, string>>>(n, raw, "settings", {}, isStringMap, "a map of setting to value"),
      altered: orDefault<Readonly<Record<string, string>>>(n, raw, "altered", {}, isStringMap, "a map of setting to value"),
      walVolumeMb: orDefault(n, raw, "walVolumeMb", 0, (v): v is number => Number.isInteger(v) && (v as number) >= 0, "MiB"),
      ...(raw.schema === undefined ? {} : { schema: expect(n, "schema", raw.schema, isString, "a file") }),
    };
  },
  prepare: () => catalogImage("postgres"),
  ports: () => [PORTS.postgres],
  volumes: (s) => (s.walVolumeMb > 0 ? [PG_WAL_VOLUME] : []),
  container(node, s, image) {
    // pg_wal on a volume of its own, which can fill up; a supervised postmaster comes back once it has room again.
    const wal = s.walVolumeMb > 0 ? { BROWNOUT_PG_WAL_DIR: PG_WAL_VOLUME, BROWNOUT_PG_SUPERVISE: "1", BROWNOUT_PG_RESTART_S: String(PG_RESTART_DELAY_MS / 1000) } : {};
    const replica = s.primary
      ? { BROWNOUT_PG_ROLE: "replica", BROWNOUT_PG_PRIMARY_HOST: s.primary.host, BROWNOUT_PG_PRIMARY_PORT: String(s.primary.port), BROWNOUT_PG_APP_NAME: node.name, ...(s.primary.slot ? { BROWNOUT_PG_SLOT: s.primary.slot } : {}) }
      : { POSTGRES_PASSWORD: PG_CREDENTIALS.password };
    const c = nodeContainer("postgres", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withEnvironment({ ...replica, ...(s.slots.length > 0 ? { BROWNOUT_PG_SLOTS: s.slots.join(" ") } : {}), ...(s.slots.length > 0 || s.primary ? REPL : {}), ...wal });
    const settings = Object.entries(s.settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
    const withSettings = settings.length > 0 ? c.withCommand(["postgres", ...settings]) : c;
    return s.walVolumeMb > 0 ? withSettings.withTmpFs({ [PG_WAL_VOLUME]: `rw,size=${String(s.walVolumeMb)}m` }) : withSettings;
  },
  readBack: (node, s) => readBack(node.address, s),
  operations: {
    async promote(node) {
      await withPg(node.container, (c) => c.query("SELECT pg_promote(wait => true, wait_seconds => 30)"));
      return activeFault(`promote ${node.name}`, () => Promise.resolve());
    },
  },
  together: {
    async setUp(nodes) {
      // The app's tables on each node that carries them once it serves; then settings that must wait for the group
      // (a primary's synchronous_standby_names: from here on its commits wait for that standby).
      await Promise.all(nodes.map(async (n) => (n.settings.schema ? withPg(n.container, (c) => c.query(readFileSync(n.settings.schema ?? "", "utf8"))) : undefined)));
      await Promise.all(
        nodes
          .filter((n) => Object.keys(n.settings.altered).length > 0)
          .map((n) =>
            withPg(n.container, async (c) => {
              for (const [k, v] of Object.entries(n.settings.altered)) await c.query(`ALTER SYSTEM SET ${pg.escapeIdentifier(k)} = ${pg.escapeLiteral(v)}`);
              await c.query("SELECT pg_reload_conf()");
            }),
          ),
      );
    },
    problems: async (nodes) => postgresProblemsOf(await groupSays(nodes)),
  },
};
