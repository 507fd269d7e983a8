import {
  bound,
  type Bound,
  type CheckResult,
  type Completed,
  control,
  defineScenario,
  type Evidence,
  faultInForceAt,
  faultTimeline,
  holdFault,
  login,
  lostWrites,
  measurement,
  OBSERVE_MS,
  partition,
  PORTS,
  readback,
  SENTINEL_PERIODS,
  REDIS_REPLICATION_PERIODS,
  recoveredInTime,
  result,
  round,
  type Scenario,
  sessionNoteKeys,
  sessionNoteWrite,
  targets,
  type TopologySpec,
  withRedis,
  redisStateOf,
} from "../src/index.js";
import { sentinelConvertsReturnedMaster, sentinelFailoverBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { observeRedis, sentinelOutcome } from "./redis-master.js";

/** The isolated side: the master and the one site that still reaches it (not the Sentinels). */
const SPLIT = partition(["redis-1", "app-gra"], ["redis-2", "sentinel-1", "sentinel-2", "sentinel-3", "app-sbg"]);
const GRA = "gra-note-write";
const SBG = "sbg-note-write";
const REDIS_NODES = ["redis-1", "redis-2"] as const;

/**
 * How long an isolated master with min-replicas-to-write still takes writes after the cut (replication.c): its
 * replica's last ACK (sent every second) ages in whole seconds, and is judged stale only past
 * min-replicas-max-lag; the count of good replicas is refreshed by the once-a-second replication cron.
 */
function refusalBound(spec: TopologySpec): Bound {
  const p = REDIS_REPLICATION_PERIODS;
  return bound(["min-replicas-max-lag", spec.redis.minReplicasMaxLagS * 1000], ["lag counted in whole seconds", p.lagResolutionMs], ["replication cron", p.cronMs], ...measurement(spec));
}

/** The recovery after the heal: Sentinel sees the old master on its periodic INFO (10 s) and turns it into a replica. */

const acked = (ops: readonly Completed[], f: string, from: number, to: number) => ops.filter((o) => o.f === f && o.type === "ok" && o.end > from && o.end < to);

/** The gra writes acknowledged by the isolated master and gone after the heal, with when they were acknowledged. */
function lostOnMinority(e: Evidence): { lost: Completed[]; firstMs: number | null; lastMs: number | null } {
  const present = e.finalRead[GRA];
  if (!present) return { lost: [], firstMs: null, lastMs: null };
  const lost = e.ops.filter((o) => o.f === GRA && o.type === "ok" && !present.has(o.value?.key ?? ""));
  const ends = lost.map((o) => o.end - e.at.fault);
  return { lost, firstMs: ends.length ? round(Math.min(...ends)) : null, lastMs: ends.length ? round(Math.max(...ends)) : null };
}

/** A check with the writes it found lost marked, for the timeline. */
const convict = (lost: readonly Completed[], c: CheckResult): CheckResult => (lost.length ? { ...c, convicted: { lost: lost.map((o) => o.id) } } : c);

/** The split really happened: while it held, redis-1 still called itself master and the Sentinels named redis-2. */
function splitControl(e: Evidence): CheckResult {
  const s = e.observed.split as { redis1Role: string; sentinelMasters: string[] } | undefined;
  const masters = new Set(s?.sentinelMasters ?? []);
  return control(
    "two masters at once: redis-1 isolated but still master, the Sentinels on redis-2",
    s?.redis1Role === "master" && masters.size === 1 && masters.has("redis-2"),
    `during the cut redis-1 was ${s?.redis1Role ?? "unread"}; Sentinels reported ${[...masters].join(", ") || "nothing"}`,
  );
}

/** Both masters took writes in the same stretch of time: sbg's on the promoted replica, gra's on the isolated master. */
function bothSidesControl(e: Evidence): CheckResult {
  const sbgFirst = acked(e.ops, SBG, faultInForceAt(e), e.at.heal)[0]?.end ?? null;
  const gra = sbgFirst === null ? 0 : acked(e.ops, GRA, sbgFirst, e.at.heal).length;
  const sbg = sbgFirst === null ? 0 : acked(e.ops, SBG, sbgFirst, e.at.heal).length;
  return control(
    "writes reached both masters while split",
    gra > 0 && sbg > 0,
    sbgFirst === null
      ? "sbg had no write acknowledged during the cut: the promoted replica never served"
      : `from sbg's first write on redis-2 (${String(round(sbgFirst - e.at.fault))} ms after the cut) to the heal: ${String(gra)} gra writes acknowledged by redis-1, ${String(sbg)} sbg writes by redis-2`,
    { graAcked: gra, sbgAcked: sbg },
  );
}

/**
 * Without min-replicas: every gra write the isolated master acknowledged from the cut until Sentinel turned it
 * into a replica is lost, and nothing from before the cut. Expected (Redis Sentinel's documentation), counted.
 */
export function lossObserved(e: Evidence): CheckResult {
  const { lost, firstMs, lastMs } = lostOnMinority(e);
  const early = lost.filter((o) => o.end < e.at.fault - e.spec.margins.asyncLagMs);
  // The magnitude: the isolated master takes writes until a Sentinel, seeing it again after the heal, turns it
  // into a replica (its INFO, read every infoMs, says master; the conversion waits for no vote). A write it
  // acknowledged later than that means it was never turned, or gra kept a master that was not one.
  const converted = bound(["heal at", round(e.at.heal - e.at.fault)], ["Sentinel INFO period", SENTINEL_PERIODS.infoMs], ["app dep timeout", e.spec.timings.app.depTimeoutMs], ...measurement(e.spec));
  const late = lost.filter((o) => o.end - e.at.fault > converted.ms);
  const acknowledged = e.ops.filter((o) => o.f === GRA && o.type === "ok").length;
  const figures = { lostWrites: lost.length, acknowledged, lostFromMs: firstMs, lostToMs: lastMs, healAtMs: round(e.at.heal - e.at.fault) };
  if (!e.finalRead[GRA]) return result("acknowledged writes on the isolated master lost, counted, from the cut on", "unknown", "the final read of gra's session failed", figures);
  return convict(lost, result(
    "acknowledged writes on the isolated master lost, counted, from the cut on",
    lost.length > 0 && early.length === 0 && late.length === 0,
    lost.length === 0
      ? `no gra write was lost: ${String(acknowledged)} acknowledged, all on redis-2 after the heal (the split-brain loss was not observed)`
      : `${String(lost.length)} of ${String(acknowledged)} acknowledged gra writes lost, acknowledged ${String(firstMs)}–${String(lastMs)} ms after the cut (healed at ${String(figures.healAtMs)} ms; the old master is a replica again by ${converted.derivation})${early.length ? `; ${String(early.length)} lost from before the cut` : ""}${late.length ? `; ${String(late.length)} acknowledged after that` : ""}`,
    { ...figures, windowMs: converted.ms },
  ));
}

/** With min-replicas: the isolated master stops taking writes within the lag bound, so any loss is confined to it. */
function lossBounded(e: Evidence): CheckResult[] {
  const b = refusalBound(e.spec);
  const { lost, firstMs, lastMs } = lostOnMinority(e);
  const outside = lost.filter((o) => o.end > e.at.fault + b.ms || o.end < e.at.fault - e.spec.margins.asyncLagMs);
  const refused = e.ops.filter((o) => o.f === GRA && o.type === "fail" && o.end > e.at.fault + b.ms && o.end < e.at.heal).length;
  const acknowledged = e.ops.filter((o) => o.f === GRA && o.type === "ok").length;
  return [
    control("the isolated master refused writes once its replica's lag passed the bound", refused > 0, `${String(refused)} gra writes refused between ${String(round(b.ms))} ms after the cut and the heal`, { refused }),
    convict(lost, result(
      "lost writes confined to the min-replicas-max-lag window",
      e.finalRead[GRA] ? outside.length === 0 : "unknown",
      `${String(lost.length)} of ${String(acknowledged)} acknowledged gra writes lost${lost.length ? `, acknowledged ${String(firstMs)}–${String(lastMs)} ms after the cut` : ""}; window ${String(round(b.ms))} ms (${b.derivation})${outside.length ? `; ${String(outside.length)} outside it` : ""}`,
      { lostWrites: lost.length, acknowledged, lostFromMs: firstMs, lostToMs: lastMs, windowMs: round(b.ms) },
    )),
  ];
}

/** The split-brain scenario, unprotected (Redis's defaults, the seed stack's) or with min-replicas-to-write. */
export function redisSplitBrain(bounded: boolean): Scenario {
  return defineScenario({
    name: bounded ? "redis-split-brain-bounded" : "redis-split-brain",
    fault: "partition redis-1 and app-gra from redis-2, the Sentinels and app-sbg; heal after the failover",
    expected: bounded
      ? "min-replicas-to-write 1: the isolated master refuses writes after min-replicas-max-lag; lost writes confined to that window"
      : "Sentinel promotes redis-2 while gra keeps writing to redis-1; on heal redis-1 becomes a replica and gra's writes since the cut are lost, counted with their window",
    topology: { slices: ["redis", "web"], redis: bounded ? { minReplicasToWrite: 1, minReplicasMaxLagS: 1 } : {} },
    mechanisms: ["sentinel", "app-settings"],
    mutants: bounded ? [MUTANTS.minReplicasOff, MUTANTS.minReplicasMaxLag10s, MUTANTS.minReplicasFirstMasterOnly] : [MUTANTS.redisWithoutSentinel, MUTANTS.sentinelDownAfter30s],
    // Held past the failover, then both masters are watched taking writes.
    phases: (spec) => ({ faultMs: sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: sentinelConvertsReturnedMaster(spec).ms }),
    timeline: faultTimeline(SPLIT, "rules removed"),
    async workload(ctx) {
      const t = targets(ctx.topology);
      const [gra, sbg] = [await login(ctx, t.caddy, "redis", "split-gra"), await login(ctx, t.caddy, "redis", "split-sbg")];
      return {
        probes: [sessionNoteWrite(ctx.http, t.gra, () => gra, `${ctx.tag}-g`, GRA), sessionNoteWrite(ctx.http, t.sbg, () => sbg, `${ctx.tag}-s`, SBG)],
        // Through Caddy after recovery: whichever site serves reads the one master there is by then.
        finalRead: async () => ({ [GRA]: await sessionNoteKeys(ctx.http, t.caddy, gra), [SBG]: await sessionNoteKeys(ctx.http, t.caddy, sbg) }),
      };
    },
    async inject(ctx, observed) {
      // On every node, not the first master alone: the protection must survive the failover it is about.
      observed.minReplicas = Object.fromEntries(
        await Promise.all(
          REDIS_NODES.map(async (node) => [
            node,
            await withRedis(ctx.topology.node(node), PORTS.redis, async (r) => {
              const [, toWrite] = (await r.call("CONFIG", "GET", "min-replicas-to-write")) as string[];
              const [, maxLag] = (await r.call("CONFIG", "GET", "min-replicas-max-lag")) as string[];
              return { toWrite: Number(toWrite), maxLagS: Number(maxLag) };
            }),
          ]),
        ),
      );
      const held = await holdFault(ctx, SPLIT);
      const state = await redisStateOf(ctx.topology);
      observed.split = { redis1Role: state.nodes["redis-1"]?.role ?? "unread", sentinelMasters: state.sentinelMasters };
      observed.oldMaster = "redis-1";
      return held;
    },
    observe: observeRedis,
    checks(e) {
      const m = (e.observed.minReplicas ?? {}) as Record<string, { toWrite: number; maxLagS: number } | undefined>;
      const r = e.spec.redis;
      const asSpec = (v: { toWrite: number; maxLagS: number } | undefined) => v?.toWrite === r.minReplicasToWrite && (r.minReplicasToWrite === 0 || v.maxLagS === r.minReplicasMaxLagS);
      return [
        readback(
          "mechanism: min-replicas-to-write as configured on every Redis node",
          REDIS_NODES.every((n) => asSpec(m[n])),
          `${REDIS_NODES.map((n) => `${n} runs min-replicas-to-write ${String(m[n]?.toWrite)}, min-replicas-max-lag ${String(m[n]?.maxLagS)}`).join("; ")}; spec ${String(r.minReplicasToWrite)}, ${String(r.minReplicasMaxLagS)}`,
        ),
        splitControl(e),
        ...(bounded ? lossBounded(e) : [bothSidesControl(e), lossObserved(e)]),
        // The cut is applied node by node (half a second for seven): an sbg write acknowledged before it was in
        // force everywhere may have reached redis-1 after redis-1 was already cut from its replica.
        lostWrites(e.ops, { f: SBG, present: e.finalRead[SBG] ?? null, ackedAfter: faultInForceAt(e) }),
        ...sentinelOutcome(e, "isolated"),
        recoveredInTime(e),
      ];
    },
  });
}
