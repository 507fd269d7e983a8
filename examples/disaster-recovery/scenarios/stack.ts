import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { type ActiveFault, bound, editedFile, type FileEdit, type Bound, type FaultSpec, holdUntilServed, injectFault, measurement, type Mutant, OBSERVE_MS, type PhasesSpec, queryRows, recoveryBound, type Workload, PATRONI, PATRONI_MEMBER_REQUEST_TIMEOUT_MS, PATRONI_PORTS, type PatroniCluster, type PatroniSettings, patroniCluster, PGBOUNCER, PGBOUNCER_PORT, type PgbouncerSettings, patroniGet, type RunContext, sqlProbe, type TimelineStep, type SqlProbeOptions, sqlTarget, type Probe, type TopologySpec } from "brownout";

export const MEMBERS = ["db-master-01", "db-slave-01", "db-slave-02"] as const;
/** The compose profile of the Patroni cluster, its etcd and PgBouncer: the scenarios about them name it. */
export const DB_PROFILE = "db";

/** haproxy-01's design configuration, from this folder (the compose file mounts it). */
const DESIGN_CFG = "../haproxy/haproxy.cfg";

/** Where haproxy-01's backup is (the compose file mounts it): the disaster-recovery reinstall serves from it. */
export const HAPROXY_BACKUP = "/var/backups/haproxy-01/haproxy.cfg";

/** The cluster's Patroni settings as this run deploys them (the profile's, a mutant's), read through the kind. */
export function patroniOf(spec: TopologySpec): PatroniSettings {
  const node = spec.nodes.find((n) => n.name === MEMBERS[0]);
  if (!node) throw new Error(`the stack declares no ${MEMBERS[0]}`);
  return PATRONI.settings(node).own;
}

/** haproxy-01's check timings, from the environment its configuration expands. */
export function checksOf(spec: TopologySpec): { interMs: number; fall: number; rise: number; timeoutMs: number } {
  const env = (spec.nodes.find((n) => n.name === "haproxy-01")?.settings as { environment?: Record<string, string> } | undefined)?.environment ?? {};
  const ms = (v: string | undefined, name: string): number => {
    const m = /^(\d+)(ms|s)$/.exec(v ?? "");
    if (!m?.[1]) throw new Error(`haproxy-01's ${name} is not a duration: ${String(v)}`);
    return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
  };
  return { interMs: ms(env.CHECK_INTER, "CHECK_INTER"), fall: Number(env.CHECK_FALL), rise: Number(env.CHECK_RISE), timeoutMs: ms(env.CHECK_TIMEOUT, "CHECK_TIMEOUT") };
}

/**
 * A killed leader's writes come back once: its key expires (at most ttl after its last renewal), a replica's
 * loop sees it within loop_wait, asks the members it still knows (the dead one answers only with Patroni's request
 * timeout) and promotes itself (a server start, at most), and haproxy-01's checks of /primary
 * see the new leader (rise checks, inter apart, each up to the check timeout).
 */
export function failoverBound(spec: TopologySpec): Bound {
  const p = patroniOf(spec);
  const h = checksOf(spec);
  return bound(["leader key ttl", p.ttlS * 1000], ["loop_wait", p.loopWaitS * 1000], ["the election asks the dead leader", PATRONI_MEMBER_REQUEST_TIMEOUT_MS], ["promotion", spec.margins.serverStartMs], ["inter", h.interMs, "rise", h.rise], ["check timeout", h.timeoutMs], ...measurement(spec));
}

/** The cluster as a member's REST API sees it, asked of the first member that answers. */
export async function cluster(ctx: RunContext, skip: readonly string[] = []): Promise<PatroniCluster> {
  let last: unknown;
  for (const m of MEMBERS.filter((x) => !skip.includes(x))) {
    const c = ctx.topology.node(m);
    try {
      return await patroniCluster(c.getHost(), c.getMappedPort(PATRONI_PORTS.rest));
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no Patroni member answered: ${last instanceof Error ? last.message : String(last)}`);
}

export const leaderOf = (c: PatroniCluster): string | undefined => c.members.find((m) => m.role === "leader")?.name;

/** A run's keys for one kind of write: what its final read looks for. */
export function keyPrefix(ctx: RunContext, f: "item-write" | "pool-write" | "redis-write" | "enqueue"): string {
  return `${ctx.tag}-${f.charAt(0)}`;
}

/** The application's writes of one new items row per op, to a target (a port of haproxy-01, the virtual IP). */
export function itemInserts(f: "item-write" | "pool-write", name: string, target: SqlProbeOptions["target"], prefix: string, o: WriteOptions = {}): Probe {
  return sqlProbe({
    f,
    name,
    target,
    statement: (seq) => ({ sql: `INSERT INTO items (k) VALUES ($1)${o.lsn ? " RETURNING (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS lsn" : ""}`, params: [`${prefix}${String(seq)}`], key: `${prefix}${String(seq)}` }),
    classify: "write",
    ...(o.lsn ? { value: (row: Record<string, unknown> | undefined) => (row?.lsn === undefined ? {} : { lsn: Number(row.lsn) }) } : {}),
  });
}

/** How the application's writes report themselves: `lsn`, each its WAL insert position (bytes from 0/0). */
export interface WriteOptions {
  readonly lsn?: boolean;
}

/** The application's writes through haproxy-01:5432 (the leader), one new row per op. */
export function inserts(ctx: RunContext, spec: TopologySpec, prefix: string, o: WriteOptions = {}): Probe {
  const app = patroniOf(spec).app;
  return itemInserts("item-write", "item-write@haproxy-01", sqlTarget(ctx.topology, "haproxy-01", { engine: "postgres", port: 5432, user: app.user, password: app.password, database: app.database }), prefix, o);
}

/** The roles PostgreSQL accepts writes in, as Patroni's REST API names them (3.0 says master, later primary). */
export const WRITABLE = new Set(["master", "primary"]);

/**
 * Every member's own view of its role (GET /patroni on each), as one op: "db-master-01=master,...". A member that
 * does not answer is "none". Two writable members in one op is a split brain.
 */
export function rolesProbe(ctx: RunContext): Probe {
  return {
    name: "roles@patroni",
    f: "roles",
    run: async (_seq, signal) => {
      const roles = await Promise.all(
        MEMBERS.map(async (m) => {
          try {
            const c = ctx.topology.node(m);
            const { body } = await patroniGet(c.getHost(), c.getMappedPort(PATRONI_PORTS.rest), "/patroni", signal);
            const role = (body as { role?: unknown }).role;
            return `${m}=${typeof role === "string" ? role : "none"}`;
          } catch {
            return `${m}=none`;
          }
        }),
      );
      return { type: "ok", value: { note: roles.join(",") } };
    },
  };
}

/** The members a roles op says are writable. */
export function writableIn(note: string | undefined): string[] {
  return (note ?? "")
    .split(",")
    .map((kv) => kv.split("="))
    .filter(([, role]) => role !== undefined && WRITABLE.has(role))
    .map(([m]) => m ?? "");
}

/**
 * failsafe_mode turned on "to ride out etcd outages": a leader that loses etcd keeps its role while every member
 * answers it, and the replicas, answering, never take over. A leader cut off from the DCS stays writable.
 */
export const PATRONI_FAILSAFE: Mutant = {
  name: "patroni-failsafe-mode",
  regression: "failsafe_mode switched on to ride out etcd outages: a leader without etcd keeps its role while the members answer it",
  deploy: { nodes: MEMBERS.map((name) => ({ name, kind: "patroni", settings: { failsafeMode: true } })) },
};

/** haproxy-01's design configuration, as its compose file mounts it: what bounds are derived from. */
const HAPROXY_CFG = readFileSync(exampleFile(DESIGN_CFG), "utf8");

/** The design's 5432 checks: Patroni's /primary on its REST API. */
const PRIMARY_CHECK = `  option httpchk GET /primary
  http-check expect status 200
  default-server inter "\${CHECK_INTER}" fall "\${CHECK_FALL}" rise "\${CHECK_RISE}" on-marked-down shutdown-sessions resolvers docker init-addr last,libc,none
  server db-master-01 db-master-01:5432 check port 8008
  server db-slave-01 db-slave-01:5432 check port 8008
  server db-slave-02 db-slave-02:5432 check port 8008
`;

/** 5432 checked as a single server would be, a connect to PostgreSQL's port: every member passes it. */
const PORT_CHECK = `  default-server inter "\${CHECK_INTER}" fall "\${CHECK_FALL}" rise "\${CHECK_RISE}" on-marked-down shutdown-sessions resolvers docker init-addr last,libc,none
  server db-master-01 db-master-01:5432 check
  server db-slave-01 db-slave-01:5432 check
  server db-slave-02 db-slave-02:5432 check
`;

/** 5432 on a plain TCP check of PostgreSQL's port, as before 05_haproxy_patroni_FIXED_V2.sh (also the stale backup's). */
export const BEFORE_PATRONI_CHECKS: ConfigEdit = { find: PRIMARY_CHECK, replace: PORT_CHECK };

/** haproxy-01 checking PostgreSQL's port instead of Patroni's /primary: every member passes, writes go to any. */
export const HAPROXY_TCP_CHECK: Mutant = haproxyMutant("haproxy-tcp-check", "haproxy-01 checks PostgreSQL's port instead of Patroni's /primary: every member looks like the primary", [BEFORE_PATRONI_CHECKS]);

/** The leader key's ttl tripled: a dead leader holds the cluster that much longer (a failover bound's regression). */
export const PATRONI_TTL_60: Mutant = { name: "patroni-ttl-60", regression: "the leader key's ttl raised to 60 s \"to ride out network blips\": a dead leader holds the cluster that much longer", deploy: { nodes: MEMBERS.map((name) => ({ name, kind: "patroni", settings: { ttlS: 60 } })) } };

/** One edit of the design's configuration: `find` must be there exactly once. */
export type ConfigEdit = FileEdit;

/** haproxy-01's design configuration with a mutant's edits, as a file of its own to mount. */
function editedConfig(name: string, regression: string, edits: readonly ConfigEdit[]): string {
  return editedFile(exampleFile(DESIGN_CFG), { name, regression }, edits);
}

/** An HAProxy of the stack deployed with these files as its running configuration and as its backup. */
function haproxyFiles(name: string, regression: string, node: string, running: string, backup: string): Mutant {
  const volumes = [{ source: running, target: "/usr/local/etc/haproxy/haproxy.cfg", readOnly: true }, { source: backup, target: HAPROXY_BACKUP, readOnly: true }];
  return { name, regression, deploy: { nodes: [{ name: node, kind: "generic", settings: { volumes } }] } };
}

/** A file of the example's, from this folder (a function: mutants are built while this module loads). */
function exampleFile(relative: string): string {
  return fileURLToPath(new URL(relative, import.meta.url));
}

/** haproxy-01 (or another HAProxy of the stack) run from the design's configuration with these edits. */
export function haproxyMutant(name: string, regression: string, edits: readonly ConfigEdit[], node = "haproxy-01"): Mutant {
  // The regression is in the running file, so in what the backup job saved of it too.
  const file = editedConfig(name, regression, edits);
  return haproxyFiles(name, regression, node, file, file);
}

/** haproxy-01 running the design's file, its backup an older one (the design's with these edits): only a reinstall meets it. */
export function staleBackupMutant(name: string, regression: string, edits: readonly ConfigEdit[]): Mutant {
  return haproxyFiles(name, regression, "haproxy-01", exampleFile(DESIGN_CFG), editedConfig(name, regression, edits));
}

const PGBOUNCER_SERVER = "  server pgbouncer pgbouncer:6432 check\n";

/** haproxy-01's PgBouncer server without `check` (the pgbouncer scenario's mutant, and the soak's). */
export const HAPROXY_PGBOUNCER_NO_CHECK: Mutant = haproxyMutant("haproxy-pgbouncer-no-check", "haproxy-01's PgBouncer server without `check`: a dead PgBouncer is never marked down, each client waits on a connect to it", [{ find: PGBOUNCER_SERVER, replace: "  server pgbouncer pgbouncer:6432\n" }]);

/** haproxy-01's PgBouncer server that must pass 20 checks in a row before it serves again. */
export const HAPROXY_PGBOUNCER_SLOW_RISE: Mutant = haproxyMutant("haproxy-pgbouncer-slow-rise", "haproxy-01's PgBouncer server needs 20 passing checks (rise 20) before it serves again, against flapping", [{ find: PGBOUNCER_SERVER, replace: "  server pgbouncer pgbouncer:6432 check rise 20\n" }]);

/** The design's configuration from a line on (its sections from there to the end), for an edit that drops them. */
export function designFrom(line: string): string {
  const at = HAPROXY_CFG.indexOf(`\n${line}\n`);
  if (at < 0) throw new Error(`haproxy.cfg has no line ${JSON.stringify(line)}`);
  return HAPROXY_CFG.slice(at);
}

/**
 * Seed 002's disaster-recovery reinstall of haproxy-01: a new node from its declaration (the container and its
 * configuration gone with the server), serving the configuration restored from the backup store.
 */
export function reinstallHaproxy01(ctx: RunContext): Promise<ActiveFault> {
  return ctx.topology.recreate("haproxy-01", { environment: { HAPROXY_CONFIG: HAPROXY_BACKUP } });
}

/** A timeout of haproxy-01's defaults section (`timeout connect 1s`), in ms. */
export function haproxyTimeoutMs(name: "connect" | "client" | "server"): number {
  const m = new RegExp(`^\\s*timeout ${name} (\\d+)(ms|s|m)\\s*$`, "m").exec(HAPROXY_CFG);
  if (!m?.[1]) throw new Error(`haproxy-01's configuration sets no timeout ${name}`);
  return Number(m[1]) * (m[2] === "m" ? 60_000 : m[2] === "s" ? 1000 : 1);
}

/** haproxy-01's default number of connection retries to a server (HAProxy's `retries`, 3 unless the file says). */
export function haproxyRetries(): number {
  const m = /^\s*retries (\d+)\s*$/m.exec(HAPROXY_CFG);
  return m?.[1] ? Number(m[1]) : 3;
}

/** The PgBouncer node's settings as this run deploys them, read through the kind. */
export function pgbouncerOf(spec: TopologySpec): PgbouncerSettings {
  const node = spec.nodes.find((n) => n.name === "pgbouncer");
  if (!node) throw new Error("the stack declares no pgbouncer");
  return PGBOUNCER.settings(node).own;
}

/** The application's writes through haproxy-01:6432 (PgBouncer's pool to the leader), one new row per op. */
export function poolInserts(ctx: RunContext, spec: TopologySpec, prefix: string): Probe {
  const app = patroniOf(spec).app;
  return itemInserts("pool-write", "pool-write@haproxy-01:6432", sqlTarget(ctx.topology, "haproxy-01", { engine: "postgres", port: PGBOUNCER_PORT, user: app.user, password: app.password, database: app.database }), prefix);
}

/** Phases of a scenario that takes the leader away: held past the failover bound; the old leader then rejoins. */
export function leaderLostPhases(spec: TopologySpec): PhasesSpec {
  return {
    faultMs: failoverBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    // From the heal: Patroni's next loop on the old leader sees a leader that is not itself and rejoins it.
    recovery: recoveryBound(spec, ["loop_wait", patroniOf(spec).loopWaitS * 1000], ["rejoin (pg_rewind, restart as a replica)", spec.margins.serverStartMs]),
  };
}

/** The Patroni leader killed (SIGKILL) at the fault, started again at the heal: the leader-killed scenarios' timeline. */
export const LEADER_KILLED_TIMELINE: readonly TimelineStep[] = [
  { atMs: 0, action: "kill the Patroni leader (SIGKILL), the member found leading before the fault", target: "-" },
  { atMs: "end", action: "heal: start the old leader again", target: "-" },
];

/** Who leads before the fault, and which member is the synchronous standby (none when synchronous_mode is off). */
export async function observeLeader(ctx: RunContext): Promise<void> {
  const before = await cluster(ctx);
  ctx.observed.leader = leaderOf(before);
  ctx.observed.syncStandby = before.members.find((m) => m.role === "sync_standby")?.name ?? null;
}

/** Writes through haproxy-01, and what the application sees of them once recovered (the leader's rows). */
export function itemsWorkload(ctx: RunContext, spec: TopologySpec, extra: readonly Probe[] = [], o: WriteOptions = {}): Workload {
  const prefix = keyPrefix(ctx, "item-write");
  return {
    probes: [inserts(ctx, spec, prefix, o), ...extra],
    finalRead: async () => ({ "item-write": await keysOnLeader(ctx, spec, prefix) }),
  };
}

/** The items whose keys start with a prefix, read through haproxy-01:5432 (the leader): what the application finds. */
export async function keysOnLeader(ctx: RunContext, spec: TopologySpec, prefix: string): Promise<Set<string>> {
  const rows = await rowsOnLeader(ctx, spec, "SELECT k FROM items WHERE k LIKE $1", [`${prefix}%`]);
  return new Set(rows.map((r) => String(r.k)));
}

/** A query's rows through haproxy-01:5432 (the leader), as the application: its user and database. */
export function rowsOnLeader(ctx: RunContext, spec: TopologySpec, sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = ctx.topology.node("haproxy-01");
  return queryRows({ engine: "postgres", host: c.getHost(), port: c.getMappedPort(5432), ...patroniOf(spec).app }, sql, params);
}

/** Writes through haproxy-01:5432 and through PgBouncer (haproxy-01:6432), and what each left on the leader. */
export function poolWorkload(ctx: RunContext, spec: TopologySpec): Workload {
  const items = itemsWorkload(ctx, spec);
  const poolPrefix = keyPrefix(ctx, "pool-write");
  return {
    probes: [...items.probes, poolInserts(ctx, spec, poolPrefix)],
    finalRead: async () => ({ ...(await items.finalRead?.()), "pool-write": await keysOnLeader(ctx, spec, poolPrefix) }),
  };
}

/** The fault, on the member that was leader when the workload started (what the scenario takes away). */
export async function onLeader(ctx: RunContext, fault: (leader: string) => FaultSpec): Promise<readonly ActiveFault[]> {
  const leader = ctx.observed.leader;
  if (typeof leader !== "string") throw new Error("no Patroni leader was found before the fault");
  const active = await injectFault(ctx.topology, fault(leader));
  // Held until writes are served again (on the new leader), then OBSERVE_MS: the bound only if they are not.
  await holdUntilServed(ctx, "item-write");
  return [active];
}

/**
 * How a server on `port` asks a client to log in: a StartupMessage sent by hand, its Authentication answer read
 * back (10 is SASL, with its mechanisms). What the client is asked for, not what a config file says.
 */
export function loginAskedFor(host: string, port: number, user: string, database: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE(196608, 4);
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => socket.destroy(new Error("no answer to the startup message")));
    let got = Buffer.alloc(0);
    socket.on("connect", () => socket.write(Buffer.concat([head, params])));
    socket.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < 5 || got.length < 1 + got.readInt32BE(1)) return;
      socket.destroy();
      if (got[0] !== 0x52) {
        resolve(`not an authentication request (${String.fromCharCode(got[0] ?? 0)})`);
        return;
      }
      const code = got.readInt32BE(5);
      const names: Record<number, string> = { 0: "none (trust)", 3: "cleartext password", 5: "MD5" };
      resolve(code === 10 ? `SASL ${got.subarray(9, 1 + got.readInt32BE(1)).toString().split("\0").filter(Boolean).join(", ")}` : (names[code] ?? `code ${String(code)}`));
    });
    socket.on("error", reject);
  });
}
