import {
  bound,
  type CheckResult,
  clientReconnectsTerms,
  control,
  defineScenario,
  divergence,
  type Evidence,
  faultThenHeal,
  finalRows,
  haproxySeesUp,
  keysWrittenIn,
  lostWrites,
  OBSERVE_MS,
  pgRowsByKey,
  recoveredInTime,
  recoveryBound,
  result,
  type RowSelection,
  type RunContext,
  type Scenario,
  seedItemCreate,
  seedItemUpdate,
  seedSessionWrite,
  slowest,
  targets,
  until,
  haproxyOf,
  postgresStateOf,
} from "../src/index.js";
import { haproxyDetection } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

const KEYS = 6;
const WRITES = ["pg-item-write", "pg-item-update", "pg-session-write"];
/** What a dual write acknowledged with both databases says (the app's dependency names). */
export const BOTH = "copies:pg-write,pg-db2";

/**
 * Seed 001's tables as compared, by the key a user knows them by: each row's content (not the timestamps each
 * database fills in for itself), and, apart, the item ids each database's own sequence gave.
 */
const selections = (prefix: string) =>
  ({
    items: { table: "items", key: "name", prefix, columns: ["content"] },
    itemIds: { table: "items", key: "name", prefix, columns: ["id"] },
    sessions: { table: "php_session", key: "id", prefix, columns: ["data"] },
  }) satisfies Record<string, RowSelection>;

export type Copies = Record<keyof ReturnType<typeof selections>, { a: ReadonlyMap<string, string> | null; b: ReadonlyMap<string, string> | null }>;

/** The workload's writes that ended between two instants: acknowledged ones, or those that were not (failed or unknown). */
const writesIn = (e: Evidence, from: number, to: number, acked = true) => e.ops.filter((o) => WRITES.includes(o.f) && (o.type === "ok") === acked && o.end > from && o.end < to);

/**
 * Seed 001's "write to both": the app writes every change of `items` and `php_session` to two independent
 * PostgreSQL databases itself (its dbMultiPdo), with nothing replicating between them; one database (DB2,
 * `pg-db2`) is killed mid-workload and restarted. What DB2 missed while it was down it never gets: the databases
 * diverge and stay diverged, rows on one side only and rows that differ, counted by the divergence checker, and
 * item ids drift apart as each database's own sequence counts different inserts. The same workload over streaming
 * replication (`pg-dual-write-streaming`: the app writes once, pg-replica is the copy and is the one killed)
 * catches up from its slot and does not diverge.
 */
export function pgDualWrite(streaming: boolean): Scenario {
  const copy = streaming ? "pg-replica" : "pg-db2";
  return defineScenario({
    name: streaming ? "pg-dual-write-streaming" : "pg-dual-write",
    fault: `kill ${copy} (SIGKILL) mid-workload; restart it`,
    expected: streaming
      ? "writes go on on the primary; the restarted replica catches up from its slot: no divergent row, no lost write"
      : "writes go on, acknowledged with one copy while pg-db2 is down; after its return the two databases stay diverged (rows on pg-primary only, rows that differ), item ids drift; no acknowledged write lost from pg-primary",
    topology: { slices: ["postgres", "web"], ...(streaming ? {} : { postgres: { db2: true } }) },
    mechanisms: streaming ? ["pg-streaming", "haproxy-checks", "app-settings"] : ["dual-write", "app-settings"],
    mutants: streaming ? [MUTANTS.replicaApplyDelay, MUTANTS.pgWriteTcpCheck] : [MUTANTS.dualWriteOff, MUTANTS.dualWriteAckAll],
    // Held past HAProxy's view of the loss and a write that waited out the dead database (the app's timeout),
    // then watched.
    phases: (spec) => ({ faultMs: haproxyDetection(spec).ms + 2 * spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 2000,
      // The restarted copy is used again at the app's next connect to it and, streaming, once HAProxy's pg-read sees it.
      recovery: streaming
        ? recoveryBound(spec, slowest({ "HAProxy sees pg-replica up": haproxySeesUp(spec), "the app reconnects": bound(...clientReconnectsTerms(spec)) }))
        : recoveryBound(spec, ...clientReconnectsTerms(spec)),
    }),
    timeline: faultThenHeal("kill", copy, "start again"),
    async workload(ctx) {
      const t = targets(ctx.topology);
      const names = Array.from({ length: KEYS }, (_, i) => `${ctx.tag}-upd${String(i)}`);
      for (const name of names) {
        const r = await ctx.http.call("POST", `${t.gra.url}/pg/items`, { body: { name, content: "v0" } });
        if (r.status !== 201) throw new Error(`could not make item ${name} before the workload: ${String(r.status)} ${JSON.stringify(r.body)}`);
      }
      ctx.observed.prefix = ctx.tag;
      return {
        probes: [
          seedItemCreate(ctx.http, t.gra, `${ctx.tag}-new-gra`),
          seedItemCreate(ctx.http, t.sbg, `${ctx.tag}-new-sbg`),
          seedItemUpdate(ctx.http, t.gra, names),
          seedSessionWrite(ctx.http, t.sbg, `${ctx.tag}-sess`),
        ],
        finalRead: async () => {
          const rows = await pgRowsByKey(ctx.topology.node("pg-primary"), { table: "items", key: "name", prefix: `${ctx.tag}-new` });
          return { "pg-item-write": rows ? new Set(rows.keys()) : null };
        },
      };
    },
    async inject(ctx, observed) {
      const kill = await ctx.topology.kill(copy);
      const killedAt = ctx.history.now();
      // Felt where the stack looks: HAProxy takes the replica out of pg-read, at some point of the hold.
      const out = streaming
        ? until("HAProxy marks pg-read/pg-replica DOWN", ctx.phases.faultMs, async () => ((await haproxyOf(ctx.topology).status("pg-read", "pg-replica")).startsWith("DOWN") ? true : undefined)).then(
            () => Math.round(ctx.history.now() - killedAt),
            () => null,
          )
        : Promise.resolve(null);
      await ctx.hold(ctx.phases.faultMs);
      observed.replicaOutAfterMs = await out;
      return [kill];
    },
    async observe(ctx, observed) {
      if (streaming) await caughtUp(ctx);
      const s = selections(String(observed.prefix));
      // Each copy's rows are final-read ops of the history, named by the selection they read.
      const read = (what: keyof Copies, sel: RowSelection) => Promise.all(["pg-primary", copy].map((node) => ctx.finalRead(what, () => pgRowsByKey(ctx.topology.node(node), sel), node)));
      await read("items", s.items);
      await read("itemIds", s.itemIds);
      await read("sessions", s.sessions);
    },
    checks(e) {
      const copyOf = (what: keyof Copies) => ({ a: finalRows(e.ops, what, "pg-primary"), b: finalRows(e.ops, what, copy) });
      const c: Copies = { items: copyOf("items"), itemIds: copyOf("itemIds"), sessions: copyOf("sessions") };
      const pair = (k: keyof Copies) => ({ a: { name: "pg-primary", rows: c[k].a }, b: { name: copy, rows: c[k].b } });
      const during = { from: e.at.fault, to: e.at.heal };
      const common = [
        lostWrites(e.ops, { f: "pg-item-write", present: e.finalRead["pg-item-write"] ?? null }),
        recoveredInTime(e),
      ];
      if (streaming) {
        const acked = writesIn(e, during.from, during.to).length;
        const failed = writesIn(e, during.from, during.to, false).length;
        return [
          control(
            "the replica's loss was felt: HAProxy took it out of pg-read",
            typeof e.observed.replicaOutAfterMs === "number",
            typeof e.observed.replicaOutAfterMs === "number" ? `pg-read/pg-replica DOWN ${String(e.observed.replicaOutAfterMs)} ms after the kill` : "HAProxy did not mark pg-read/pg-replica DOWN while the replica was dead",
          ),
          result("writes went on on the primary while the replica was down", failed === 0 && acked > 0, `${String(acked)} writes acknowledged during the outage, ${String(failed)} failed or unknown`),
          divergence({ what: "items", ...pair("items"), expect: "none" }),
          divergence({ what: "item ids", ...pair("itemIds"), expect: "none" }),
          divergence({ what: "php_session", ...pair("sessions"), expect: "none" }),
          ...common,
        ];
      }
      return [...dualWriteChecks(e, during, pair), ...common];
    },
  });
}

/** The dual write's own story: in force before, felt during, writes kept, and the divergence left after. */
export function dualWriteChecks(
  e: Evidence,
  during: { from: number; to: number },
  pair: (k: keyof Copies) => { a: { name: string; rows: ReadonlyMap<string, string> | null }; b: { name: string; rows: ReadonlyMap<string, string> | null } },
): CheckResult[] {
  const before = writesIn(e, e.at.steady, e.at.fault);
  const bothBefore = before.filter((o) => o.value?.note === BOTH).length;
  const duringOk = writesIn(e, during.from, during.to);
  const oneCopy = duringOk.filter((o) => o.value?.note !== BOTH).length;
  const oneCopyCreates = duringOk.filter((o) => o.f === "pg-item-write" && o.value?.note !== BOTH).length;
  const notAcked = writesIn(e, during.from, during.to, false);
  const dueToDb2 = notAcked.filter((o) => (o.error ?? "").includes("pg-db2"));
  const otherwise = notAcked.filter((o) => !dueToDb2.includes(o));
  // Once pg-db2 is back and the stack steady, every write reaches both again: the divergence left is the outage's.
  const settled = e.at.steadyAt ?? e.at.end;
  const after = writesIn(e, settled, e.at.end);
  const bothAfter = after.filter((o) => o.value?.note === BOTH).length;
  const ids = divergence({ what: "item ids", ...pair("itemIds"), expect: "some" });
  return [
    control("every write reached both databases before the fault", before.length > 0 && bothBefore === before.length, `${String(bothBefore)} of ${String(before.length)} writes acknowledged by pg-primary and pg-db2 before the kill`),
    control("pg-db2's loss was felt: writes acknowledged with one copy", oneCopy > 0, `${String(oneCopy)} of ${String(duringOk.length)} writes acknowledged during the outage reached pg-primary only`, { oneCopyWrites: oneCopy }),
    // The dual write's promise: pg-db2's loss fails no write (a failure the app pins on pg-db2 breaks it). A
    // write pg-write itself did not answer in time is no part of that promise: counted and shown, not judged here.
    result(
      "no write failed because pg-db2 was down (the point of writing to two)",
      dueToDb2.length === 0 && duringOk.length > 0,
      `${String(duringOk.length)} acknowledged during the outage, ${String(dueToDb2.length)} failed on pg-db2${dueToDb2[0] ? ` (first: ${dueToDb2[0].error ?? dueToDb2[0].type})` : ""}, ${String(otherwise.length)} failed otherwise${otherwise[0] ? ` (first: ${otherwise[0].error ?? otherwise[0].type})` : ""}`,
      { otherFailedWrites: otherwise.length },
    ),
    control("after pg-db2's return every write reached both databases again", after.length > 0 && bothAfter === after.length, `${String(bothAfter)} of ${String(after.length)} writes after the stack was steady again reached both`),
    // The documented outcome: nothing gives pg-db2 what it missed, so the difference is there at the end (rows
    // rewritten after its return converge; those written only during the outage stay missing).
    // Its magnitude: only rows written while pg-db2 was away (the kill to the stack's return, unknown writes
    // included) may differ; a row written before the kill or after the return that differs is worse than documented.
    divergence({ what: "items", ...pair("items"), expect: "some", mayDiverge: { keys: keysWrittenIn(e.ops, ["pg-item-write", "pg-item-update"], { from: during.from, to: settled }), what: "items written while pg-db2 was away" } }),
    divergence({ what: "php_session", ...pair("sessions"), expect: "some", mayDiverge: { keys: keysWrittenIn(e.ops, ["pg-session-write"], { from: during.from, to: settled }), what: "sessions written while pg-db2 was away" } }),
    // Each database's sequence numbers the inserts it took: ids drift exactly when an insert reached one database
    // only (every later insert then gets another id on each side), and never otherwise.
    result(
      "item ids drifted between the databases exactly when an insert reached one of them",
      ids.valid === "unknown" ? "unknown" : (oneCopyCreates > 0) === Number(ids.figures?.divergentRows ?? 0) > 0,
      `${String(oneCopyCreates)} item insert(s) acknowledged with one copy during the outage; ${ids.detail}`,
      { idDrift: Number(ids.figures?.divergentRows ?? 0), oneCopyCreates },
    ),
  ];
}

/** pg-replica has replayed everything the primary wrote (the workload has stopped), within the ordinary lag. */
async function caughtUp(ctx: RunContext): Promise<void> {
  await until("pg-replica replayed the primary's last write", ctx.topology.spec.margins.asyncLagMs + ctx.phases.recoveryBoundMs, async () => {
    return (await postgresStateOf(ctx.topology)).replayLagBytes === 0 ? true : undefined;
  }).catch(() => undefined);
}
