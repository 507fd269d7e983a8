import {
  asBound,
  type Bound,
  bound,
  type CheckResult,
  control,
  defineScenario,
  divergence,
  type Evidence,
  failover,
  finalRows,
  haproxySeesUpTerms,
  keysWrittenIn,
  lostWrites,
  measurement,
  OBSERVE_MS,
  PG_CREDENTIALS,
  pgRowsByKey,
  recoveredInTime,
  result,
  round,
  type Scenario,
  sqlProbe,
  type TopologySpec,
  withPg,
  haproxyOf,
  setServer,
  postgresStateOf,
} from "../src/index.js";
import { promotedAfterMs } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/** How long the operator takes to act after the primary dies (detection by a human or a script). */
const OPERATOR_MS = 1000;
const F = "pg-insert";
/** The table both nodes' rows are read from at the end (final-read ops, one per node). */
const TABLE = "products";
/** How exactly the client's order of ops matches the order HAProxy balanced their connections in. */
const ORDERING_RESOLUTION_OPS = 1;

const haproxySeesReturn = (spec: TopologySpec): Bound => bound(...haproxySeesUpTerms(spec));

/** Writes resume once the operator promoted (from the journal) and HAProxy has seen the new primary pass /primary. */
function resumeBound(e: Evidence): Bound {
  return bound(["operator promoted at (journal)", Math.round(promotedAfterMs(e))], ...haproxySeesUpTerms(e.spec));
}

/** When the old primary was started again (the end of its restart step in the journal). */
function returnedAt(e: Evidence): number {
  const back = e.journal.find((j) => j.phase === "heal" && j.target === "pg-primary" && j.outcome === "ok");
  return back ? back.t + back.durationMs : e.at.heal;
}

/** Which node took each acknowledged insert after the old primary was back (each op notes its server's address). */
function servedAfterReturn(e: Evidence): Map<string, number> {
  const from = returnedAt(e);
  const by = new Map<string, number>();
  for (const o of e.ops) if (o.f === F && o.type === "ok" && o.end > from) by.set(o.value?.note ?? "?", (by.get(o.value?.note ?? "?") ?? 0) + 1);
  return by;
}

/**
 * The magnitude of the unfenced split: pg-write balances round robin (HAProxy's default) over the servers it has
 * UP, and the client connects per request, so once both primaries are UP each new connection goes to the next one
 * in turn: the old timeline takes every second insert, no more. Counted from the old primary's first insert after
 * its return (both UP from then on) to the heal; an op that did not answer took its turn too.
 */
export function roundRobinShare(e: Evidence, old: string): CheckResult {
  const first = e.ops.find((o) => o.f === F && o.type === "ok" && o.end > returnedAt(e) && o.value?.note === old);
  const mine = first ? e.ops.filter((o) => o.f === F && o.start >= first.start && o.end <= e.at.heal) : [];
  const onOld = mine.filter((o) => o.type === "ok" && o.value?.note === old).length;
  const unanswered = mine.filter((o) => o.type !== "ok").length;
  // Ops are ordered by when the client started them, HAProxy by when their connections arrived: two started
  // within the same instant may swap, so the count is exact to one op.
  const half = Math.ceil(mine.length / 2) + ORDERING_RESOLUTION_OPS;
  return result(
    "the old timeline took no more than round robin's half of the inserts",
    first ? onOld <= half + unanswered : "unknown",
    first
      ? `${String(onOld)} of ${String(mine.length)} inserts from the old primary's first one after its return to the heal went to it (round robin over two UP servers: at most ${String(half)} = half, rounded up, + ${String(ORDERING_RESOLUTION_OPS)} for the order connections reached HAProxy in; plus ${String(unanswered)} unanswered)`
      : "the old primary took no insert after its return",
    { onOldTimeline: onOld, insertsWhileBothUp: mine.length },
  );
}

/**
 * The old primary is killed, the operator promotes the replica (fenced: after putting the old primary in MAINT in
 * pg-write), then the old primary is started again as it was, a primary on its own timeline. Writes come from a
 * client that connects per request through HAProxy's pg-write (as a PHP page does), so each write goes to
 * whichever server HAProxy picks then.
 */
export function pgOldPrimaryReturns(fenced: boolean): Scenario {
  return defineScenario({
    name: fenced ? "pg-old-primary-returns-fenced" : "pg-old-primary-returns",
    fault: `kill pg-primary; operator ${fenced ? "fences it in pg-write (MAINT) and " : ""}promotes pg-replica; the old primary is restarted${fenced ? "" : " unfenced"}`,
    expected: fenced
      ? "one primary behind pg-write throughout: no write reaches the returned old primary; only the async lag window at the kill is lost"
      : "two primaries behind pg-write: writes split between them; those on the old timeline, never on the new primary, counted",
    topology: { slices: ["postgres"] },
    mechanisms: ["pg-streaming", "haproxy-checks"],
    // Unfenced, a regression that sends more than round robin's half to the old timeline makes the loss worse.
    mutants: fenced ? [MUTANTS.pgWriteTcpCheck, MUTANTS.haproxySlowChecks] : [MUTANTS.pgWriteTcpCheck, MUTANTS.haproxySlowChecks, MUTANTS.pgWriteBalanceFirst],
    // Held until writes have resumed on the new primary, then past HAProxy seeing the old one return.
    phases: (spec) => ({
      faultMs: OPERATOR_MS + 2 * haproxySeesReturn(spec).ms + OBSERVE_MS,
      afterMs: 1500,
      recoveryBoundMs: haproxySeesReturn(spec).ms,
    }),
    timeline: [
      { atMs: 0, action: "kill", target: "pg-primary" },
      ...(fenced ? [{ atMs: OPERATOR_MS, action: "runtime API: set server pg-write/pg-primary state maint", target: "haproxy" }] : []),
      { atMs: OPERATOR_MS, action: "pg_promote()", target: "pg-replica" },
      { atMs: OPERATOR_MS, action: "heal: start again", target: "pg-primary" },
    ],
    // The new steady state on purpose: pg-replica is the primary, the old primary runs on its own timeline.
    tolerated: [/^postgres: /, /^pg-replica (replication is absent|replay lags|is not in recovery)/, /pg-write\/pg-primary/, /pg-write\/pg-replica/, /pg-read\/pg-replica/],
    workload(ctx) {
      const prefix = `${ctx.tag}-w`;
      ctx.observed.prefix = prefix;
      return Promise.resolve({
        probes: [
          sqlProbe({
            f: F,
            name: `${F}@haproxy`,
            target: () => ({ engine: "postgres", ...haproxyOf(ctx.topology).endpoint("pg-write"), ...PG_CREDENTIALS }),
            statement: (seq) => ({
              sql: "INSERT INTO products (id, name, price_cents) VALUES ($1, 'w', $2) RETURNING host(inet_server_addr()) AS node",
              params: [`${prefix}-${String(seq)}`, seq],
              key: `${prefix}-${String(seq)}`,
            }),
            classify: "write",
            value: (row) => ({ note: typeof row?.node === "string" ? row.node : "?" }),
          }),
        ],
      });
    },
    async inject(ctx, observed) {
      const addr = async (role: "pg-primary" | "pg-replica") => withPg(ctx.topology.node(role), async (c) => (await c.query<{ a: string }>("SELECT host(inet_server_addr()) AS a")).rows[0]?.a ?? "?");
      observed.addresses = { old: await addr("pg-primary"), new: await addr("pg-replica") };
      const kill = await ctx.topology.kill("pg-primary");
      await ctx.hold(OPERATOR_MS);
      const fence = fenced ? [await ctx.topology.inject(setServer("pg-write", "pg-primary", { state: "maint" }))] : [];
      await ctx.topology.promote("pg-replica");
      await ctx.hold(haproxySeesReturn(ctx.spec).ms);
      await kill.heal();
      await ctx.hold(Math.max(0, ctx.phases.faultMs - OPERATOR_MS - haproxySeesReturn(ctx.spec).ms));
      const state = await postgresStateOf(ctx.topology);
      const role = (inRecovery: boolean | null) => (inRecovery === null ? "unreachable" : inRecovery ? "replica" : "primary");
      observed.roles = { "pg-primary": role(state.primaryInRecovery), "pg-replica": role(state.replicaInRecovery) };
      observed.writeUp = (await haproxyOf(ctx.topology).serverStates()).filter((s) => s.backend === "pg-write" && s.status.startsWith("UP")).map((s) => s.server);
      // The fence stays: the runbook lifts it only once the old primary is rebuilt as a replica.
      return fence;
    },
    heal(_, faults) {
      for (const f of faults) f.settle();
      return Promise.resolve();
    },
    async observe(ctx, observed) {
      const selection = { table: "products", key: "id", prefix: String(observed.prefix) };
      await Promise.all((["pg-primary", "pg-replica"] as const).map((node) => ctx.finalRead(TABLE, () => pgRowsByKey(ctx.topology.node(node), selection), node)));
    },
    checks(e) {
      const addresses = e.observed.addresses as { old: string; new: string };
      const roles = e.observed.roles as Record<string, string>;
      const writeUp = (e.observed.writeUp as string[] | undefined) ?? [];
      const rows = { old: finalRows(e.ops, TABLE, "pg-primary"), now: finalRows(e.ops, TABLE, "pg-replica") };
      const served = servedAfterReturn(e);
      const onOld = served.get(addresses.old) ?? 0;
      const onNew = served.get(addresses.new) ?? 0;
      const backAt = round(returnedAt(e) - e.at.fault);
      const common: CheckResult[] = [
        control("the old primary came back as a primary (unfenced at the database)", roles["pg-primary"] === "primary" && roles["pg-replica"] === "primary", `pg-primary is ${String(roles["pg-primary"])}, pg-replica is ${String(roles["pg-replica"])}`),
        failover(e.ops, { f: F, faultAt: e.at.fault, bound: resumeBound(e), resolutionMs: e.intervalMs }),
        recoveredInTime(e),
      ];
      // Only what the new primary has counts for users: the final read is its rows.
      const present = rows.now ? new Set(rows.now.keys()) : null;
      const killLoss = { at: e.at.fault, lagWindow: bound(["async lag", e.spec.margins.asyncLagMs], ...measurement(e.spec)), lateMs: e.spec.margins.schedulerLatenessMs };
      if (fenced) {
        return [
          ...common,
          result("one primary behind pg-write throughout", writeUp.length === 1 && writeUp[0] === "pg-replica" && onOld === 0, `pg-write servers UP after the return: ${writeUp.join(", ") || "none"}; inserts acknowledged after the old primary returned (${String(backAt)} ms after the kill): ${String(onNew)} on the new primary, ${String(onOld)} on the old`, { writesOnOldPrimary: onOld }),
          lostWrites(e.ops, { f: F, present, finalRead: `${TABLE}@pg-replica`, allowLost: killLoss }),
        ];
      }
      const oldTimeline = rows.old && rows.now ? [...rows.old.keys()].filter((k) => !rows.now?.has(k)) : null;
      const ackedOnOldOnly = oldTimeline === null ? null : e.ops.filter((o) => o.f === F && o.type === "ok" && o.end > returnedAt(e) && oldTimeline.includes(o.value?.key ?? "")).length;
      return [
        ...common,
        control("two primaries behind pg-write", writeUp.includes("pg-primary") && writeUp.includes("pg-replica"), `pg-write servers UP after the return: ${writeUp.join(", ") || "none"}`),
        result(
          "writes split between the two primaries, those on the old timeline counted",
          onOld > 0 && onNew > 0 && (ackedOnOldOnly ?? 0) > 0,
          `after the old primary returned (${String(backAt)} ms after the kill): ${String(onOld)} inserts acknowledged by the old primary, ${String(onNew)} by the new; ${String(ackedOnOldOnly)} of them exist only on the old timeline and never reach the new primary`,
          { lostWrites: ackedOnOldOnly ?? 0, writesOnOldPrimary: onOld, writesOnNewPrimary: onNew, lostFromMs: backAt },
        ),
        roundRobinShare(e, addresses.old),
        // Outside the documented window nothing may go: what was acknowledged before the kill's lag window had
        // streamed to the replica, whatever the old primary does later.
        lostWrites(e.ops, { f: F, present, finalRead: `${TABLE}@pg-replica`, ackedBefore: killLoss.at - asBound(killLoss.lagWindow).ms, label: "(acknowledged before the kill's lag window)" }),
        // Only inserts from the kill's lag window on may differ: what was acknowledged before had streamed.
        divergence({ what: "products", a: { name: "pg-primary", rows: rows.old }, b: { name: "pg-replica", rows: rows.now }, expect: "some", mayDiverge: { keys: keysWrittenIn(e.ops, [F], { from: killLoss.at - asBound(killLoss.lagWindow).ms, to: e.at.end }), what: "products inserted from the kill's lag window on" } }),
      ];
    },
  });
}
