import {
  bound,
  type CheckResult,
  control,
  defineScenario,
  divergence,
  type Evidence,
  failover,
  finalRows,
  haproxySeesUpTerms,
  itemUpsert,
  itemWrite,
  keysWrittenIn,
  lostWrites,
  MARIADB_DEFAULTS,
  MYSQL_CONNECT_RETRY_MS,
  mysqlRowsByKey,
  OBSERVE_MS,
  recoveredInTime,
  recoveryBound,
  result,
  round,
  type RunContext,
  type Scenario,
  slowest,
  type Target,
  targets,
  until,
  haproxyOf,
  mysqlNodeFacts,
} from "../src/index.js";
import { haproxyFailoverBound } from "./bounds.js";
import { MUTANTS, mysqlNoFailBack } from "./mutants.js";

const KEYS = 6;
const MYSQL_NODES = ["mysql-1", "mysql-2"] as const;
/** Every op kind that writes the items table. */
const WRITERS = ["item-update", "item-write"];
/** The table both nodes' rows are read from at the end (final-read ops, one per node). */
const TABLE = "items";

/** Each node's replication threads, GTID position and last error (read from the node), as a line for the report. */
async function replicationState(ctx: RunContext): Promise<Record<string, { running: boolean; line: string }>> {
  const facts = await Promise.all((["mysql-1", "mysql-2"] as const).map(async (role) => [role, await mysqlNodeFacts(ctx.topology.node(role))] as const));
  return Object.fromEntries(
    facts.map(([role, n]) => {
      if ("unreachable" in n) return [role, { running: false, line: `unreachable: ${n.unreachable}` }];
      return [role, { running: n.io === "Yes" && n.sql === "Yes", line: `IO ${n.io}, SQL ${n.sql}, GTID ${n.gtidCurrentPos}${n.lastError ? `: ${n.lastError}` : ""}` }];
    }),
  );
}

/** Clients go to mysql-1 whenever it is up: what a backend without a stick table does (`mysql-1` for the checks). */
const NO_TABLE = "mysql-1 (no stick table: the active server takes every client)";

/** The server HAProxy's stick table pins the mysql backend's clients to (null: no entry yet). */
async function stuckTo(ctx: RunContext): Promise<string | null> {
  const table = await haproxyOf(ctx.topology).runtime("show table mysql");
  if (!table.startsWith("# table:")) return NO_TABLE;
  const id = /server_id=(\d+)/.exec(table)?.[1];
  if (id === undefined) return null;
  // "be_id be_name srv_id srv_name ..." per server.
  const servers = (await haproxyOf(ctx.topology).runtime("show servers state mysql")).split("\n").map((l) => l.split(" "));
  return servers.find((f) => f[2] === id)?.[3] ?? `server #${id}`;
}

/**
 * With no fail-back, clients stay on whichever node they were first given: a site that connected while HAProxy
 * had only mysql-2 up (the parts of a topology start together) keeps it. The fault is about the active node, so
 * the runbook's hand-back is done first when needed (after an operator's check of catch-up, trivially true before
 * any workload): the entry cleared and mysql-2's sessions shut, then both sites write until the table names
 * mysql-1. Returns the node the clients were on before, for the report.
 */
async function handBackToMysql1(ctx: RunContext, sites: readonly Target[]): Promise<string | null> {
  const before = await stuckTo(ctx);
  if (before === null || before === "mysql-1" || before === NO_TABLE) return before;
  await haproxyOf(ctx.topology).runtime("clear table mysql");
  await haproxyOf(ctx.topology).runtime("shutdown sessions server mysql/mysql-2");
  let n = 0;
  await until("the sites' clients on mysql-1 after the hand-back", ctx.topology.spec.margins.asyncLagMs + haproxyFailoverBound(ctx.topology.spec).ms, async () => {
    const ok = await Promise.all(sites.map((t) => ctx.http.call("POST", `${t.url}/items`, { body: { id: `${ctx.tag}-handback${String(n++)}`, value: "v" } }).then((r) => r.status === 200 || r.status === 201, () => false)));
    return ok.every(Boolean) && (await stuckTo(ctx)) === "mysql-1" ? true : undefined;
  });
  return before;
}

/** Acknowledged writes of a kind between two instants. */
/** A divergence finding with replication's fate after the heal in its detail and figures. */
const withReplication = (c: CheckResult, line: string, broken: number): CheckResult => ({ ...c, detail: `${c.detail}; replication after the heal: ${line}`, figures: { ...c.figures, replicationBroken: broken } });

const ackedBetween = (e: Evidence, f: string, from: number, to: number) => e.ops.filter((o) => o.f === f && o.type === "ok" && o.end > from && o.end < to).length;

/**
 * The MariaDB pair loses its replication link (mysql-1 cut from mysql-2) and, meanwhile, HAProxy's view of mysql-1
 * flaps: HAProxy loses mysql-1 (so the backup, mysql-2, takes the writes), then sees it again. Unprotected (the
 * meeting stack's HAProxy: fail-back as soon as mysql-1 is up), writes go back to mysql-1, which lacks what
 * mysql-2 took: both nodes have taken writes to the same rows, and the same new ids. When the link heals, each
 * applies the other's row events. The protected configuration (seed 000's: mysql-2 a `backup`, and no fail-back
 * before an operator has checked catch-up) keeps every connection on mysql-2 once it took over.
 */
export function mysqlSplitBrain(protectedConfig: boolean): Scenario {
  return defineScenario({
    name: protectedConfig ? "mysql-split-brain-no-failback" : "mysql-split-brain",
    fault: "cut HAProxy from mysql-1, then mysql-1 from mysql-2; give HAProxy mysql-1 back while the pair stays cut; heal",
    expected: protectedConfig
      ? "no fail-back: every write after the flap goes to mysql-2; after the heal, no divergent row and replication running both ways"
      : "writes go back to mysql-1 while the pair is cut: both nodes take writes to the same rows; the divergence checker counts the rows that differ or exist on one side, and replication's fate (a stopped SQL thread, with its error) is reported",
    topology: { slices: ["mysql", "web"], ...(protectedConfig ? { patches: mysqlNoFailBack } : {}) },
    mechanisms: ["haproxy-checks", "mysql-replication", "app-settings"],
    mutants: protectedConfig ? [MUTANTS.mysqlFailBack, MUTANTS.mysqlActiveNoCheck] : [MUTANTS.mysqlActiveNoCheck, MUTANTS.haproxySlowChecks],
    // Two halves: HAProxy without mysql-1 (past its failover), then with it again (past its return).
    phases: (spec) => {
      const faultMs = haproxyFailoverBound(spec).ms + bound(...haproxySeesUpTerms(spec)).ms + 2 * OBSERVE_MS;
      return {
        faultMs,
        afterMs: 2000,
        // The pair's replication resumes at TCP's next retransmission (its backoff is at most the cut held) or, on
        // a reset connection, at the IO thread's next connect.
        recovery: recoveryBound(spec, slowest({ "TCP retransmission backoff (at most the cut held)": bound(["cut held", faultMs]), "the IO thread's reconnect": bound(["MASTER_CONNECT_RETRY", MYSQL_CONNECT_RETRY_MS]) })),
      };
    },
    timeline: [
      { atMs: 0, action: "partition haproxy from mysql-1", target: "haproxy, mysql-1" },
      { atMs: 0, action: "partition mysql-1 from mysql-2", target: "mysql-1, mysql-2" },
      { atMs: "end", action: "heal: haproxy sees mysql-1 again (half way), then the pair", target: "mysql-1" },
    ],
    // The documented outcome may leave replication stopped on a conflict: that is the finding, not a recovery fault.
    ...(protectedConfig ? {} : { tolerated: [/^mysql-[12] replication threads/, /^mysql-[12] is .* behind/, /differ in GTID position/] }),
    async workload(ctx) {
      const t = targets(ctx.topology);
      if (protectedConfig) ctx.observed.stuckAtStart = await handBackToMysql1(ctx, [t.gra, t.sbg]);
      const keys = Array.from({ length: KEYS }, (_, i) => `${ctx.tag}-row${String(i)}`);
      ctx.observed.prefix = ctx.tag;
      const created = `${ctx.tag}-new`;
      const slots = Array.from({ length: KEYS }, (_, i) => `${ctx.tag}-slot${String(i)}`);
      return {
        probes: [
          // Both sites rewrite the same rows, and create new ids.
          itemUpsert(ctx.http, t.gra, keys),
          itemUpsert(ctx.http, t.sbg, keys),
          itemWrite(ctx.http, t.gra, created, "item-write@gra"),
          itemWrite(ctx.http, t.sbg, created, "item-write@sbg"),
          // Slots first booked during the cut (rows that did not exist before it): whichever node takes the
          // bookings creates them, so if both do, both created the same keys. From the pair's cut on, not the fault's
          // mark: a booking that mysql-1 took before the pair was cut replicated, and both would then hold the slot.
          { ...itemUpsert(ctx.http, t.sbg, slots, "slot-booking@sbg"), ready: () => ctx.observed.pairCut === true },
        ],
      };
    },
    async inject(ctx, observed) {
      const downs = async () => (await haproxyOf(ctx.topology).serverStates()).find((s) => s.backend === "mysql" && s.server === "mysql-1")?.downTransitions ?? 0;
      const before = await downs();
      if (protectedConfig) observed.stuckAtFault = await stuckTo(ctx);
      // HAProxy first: a write in flight to mysql-1 at this instant still replicates before the pair is cut.
      const lost = await ctx.topology.partition("haproxy", "mysql-1");
      await ctx.hold(ctx.spec.margins.asyncLagMs);
      const pair = await ctx.topology.partition("mysql-1", "mysql-2");
      observed.pairCut = true;
      await ctx.hold(haproxyFailoverBound(ctx.spec).ms + OBSERVE_MS);
      await lost.heal();
      observed.returnedAt = ctx.history.now();
      await ctx.hold(Math.max(0, ctx.phases.faultMs - haproxyFailoverBound(ctx.spec).ms - OBSERVE_MS - ctx.spec.margins.asyncLagMs));
      observed.flaps = (await downs()) - before;
      observed.mysql1Status = await haproxyOf(ctx.topology).status("mysql", "mysql-1");
      return [pair];
    },
    async observe(ctx, observed) {
      const selection = { table: "brownout.items", key: "id", prefix: String(observed.prefix) };
      await Promise.all(MYSQL_NODES.map((r) => ctx.finalRead(TABLE, () => mysqlRowsByKey(ctx.topology.node(r), selection), r)));
      observed.replication = await replicationState(ctx);
    },
    checks(e) {
      const rows = { one: finalRows(e.ops, TABLE, "mysql-1"), two: finalRows(e.ops, TABLE, "mysql-2") };
      const replication = e.observed.replication as Record<string, { running: boolean; line: string }>;
      const returnedAt = Number(e.observed.returnedAt);
      const firstHalf = ackedBetween(e, "item-update", e.at.fault, returnedAt);
      const secondHalf = ackedBetween(e, "item-update", returnedAt, e.at.heal);
      const broken = Object.values(replication).filter((r) => !r.running).length;
      const replicationLine = Object.entries(replication).map(([role, r]) => `${role}: ${r.line}`).join("; ");
      // With a stick table, where clients were when the cut began decides whether the fault hit the active node.
      const atStart = typeof e.observed.stuckAtStart === "string" ? e.observed.stuckAtStart : null;
      const pinned = protectedConfig
        ? [
            control(
              "clients were on mysql-1 when the cut began",
              e.observed.stuckAtFault === "mysql-1" || e.observed.stuckAtFault === NO_TABLE,
              `HAProxy's stick table named ${String(e.observed.stuckAtFault)} at the cut${atStart !== null && atStart !== "mysql-1" ? ` (it named ${atStart} after the start, so writes were handed back to mysql-1 first)` : ""}`,
            ),
          ]
        : [];
      return [
        ...pinned,
        control("HAProxy's view of mysql-1 flapped", Number(e.observed.flaps) >= 1 && String(e.observed.mysql1Status).startsWith("UP"), `mysql-1 went DOWN ${String(e.observed.flaps)} time(s) during the cut and was ${String(e.observed.mysql1Status)} before the heal`),
        control("writes were taken on both halves of the flap", firstHalf > 0 && secondHalf > 0, `${String(firstHalf)} row updates acknowledged while HAProxy had lost mysql-1, ${String(secondHalf)} after it saw mysql-1 again (${String(round(returnedAt - e.at.fault))} ms after the cut)`),
        failover(e.ops, { f: "item-update", faultAt: e.at.fault, bound: haproxyFailoverBound(e.spec), resolutionMs: e.intervalMs }),
        // Unprotected, replication's fate (a stopped SQL thread, its error) is part of the divergence finding, not a
        // check of its own: it may go either way, and a check that cannot fail says nothing.
        // Unprotected, the magnitude: only rows written while the pair was cut may differ (what was written before
        // had replicated; what was written after the heal replicates, unless replication stopped on a conflict).
        protectedConfig
          ? divergence({ what: "items", a: { name: "mysql-1", rows: rows.one }, b: { name: "mysql-2", rows: rows.two }, expect: "none" })
          : withReplication(
              divergence({ what: "items", a: { name: "mysql-1", rows: rows.one }, b: { name: "mysql-2", rows: rows.two }, expect: "some", mayDiverge: { keys: keysWrittenIn(e.ops, WRITERS, { from: e.at.fault, to: broken > 0 ? e.at.end : e.at.heal + MARIADB_DEFAULTS.slaveNetTimeoutMs }), what: broken > 0 ? "keys written from the cut on (replication stopped)" : `keys written from the cut to the heal + slave_net_timeout ${String(MARIADB_DEFAULTS.slaveNetTimeoutMs)} ms (the IO threads resume only then)` } }),
              replicationLine,
              broken,
            ),
        ...(protectedConfig ? [result("replication running both ways after the heal", broken === 0, replicationLine, { replicationBroken: broken })] : []),
        // Each node on its own (a write kept on one node only is not kept by the pair). Protected, replication runs
        // both ways after the heal, so every acknowledged id is on both; unprotected, a conflict may strand what the
        // cut took, but what was acknowledged before the cut had replicated and must be on both nodes still.
        ...MYSQL_NODES.map((node) => {
          const keys = node === "mysql-1" ? rows.one : rows.two;
          return lostWrites(e.ops, { f: "item-write", present: keys ? new Set(keys.keys()) : null, finalRead: `${TABLE}@${node}`, label: `on ${node}${protectedConfig ? "" : " (acknowledged before the cut)"}`, ...(protectedConfig ? {} : { ackedBefore: e.at.fault }) });
        }),
        recoveredInTime(e),
      ];
    },
  });
}
