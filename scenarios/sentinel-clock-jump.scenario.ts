import {
  bound,
  type CheckResult,
  type Evidence,
  control,
  defineScenario,
  failover,
  OBSERVE_MS,
  PORTS,
  recovery,
  result,
  round,
  SENTINEL_PERIODS,
  SENTINEL_REPLICA_VALIDITY_FACTOR,
  SENTINEL_TILT,
  sessions,
  until,
  withRedis,
} from "../src/index.js";
import { sentinelFailoverBound, sentinelRestartRecoveryBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { observeRedis, sentinelOutcome, sentinelSessionWorkload } from "./redis-master.js";

const SENTINELS = ["sentinel-1", "sentinel-2", "sentinel-3"] as const;
/** How far the Sentinels' clocks jump as their timers see it: twice TILT's trigger, unambiguously past it. */
const JUMP_MS = 2 * SENTINEL_TILT.triggerMs;
/** How a Sentinel logs its entering TILT. */
const TILT_ENTERED = /\+tilt #tilt mode entered/g;

/**
 * The Sentinels' clocks jump forward as their timers see it, then the Redis master dies. Sentinel sees its timer
 * run late, enters TILT and acts on nothing for TILT's period: the failover waits for TILT to end. Measured: how
 * much later than a normal failover the replica is promoted.
 *
 * The jump is made the way a VM pause makes it: the Sentinel processes are stalled (SIGSTOP through the cgroup
 * freezer) for JUMP_MS and resumed, so their next timer run finds the clock that much ahead, the first of TILT's
 * two triggers. Its other trigger, a wall-clock step, was tried with libfaketime (Debian's 0.9.10, preloaded,
 * its offset changed at run time) and cannot drive these servers: Debian's redis-sentinel is linked with
 * jemalloc, whose start-up calls clock_gettime() before libfaketime has initialised, and the server hangs at
 * once ("libfaketime: Returning -1 on clock_gettime() to break recursion now", libfaketime issue #130; the
 * FAKETIME_IGNORE_SYMBOLS work-around came after 0.9.10). Origin: Redis Sentinel's documentation (TILT mode) and
 * seed 003's Sentinel-backed sessions.
 */
export default defineScenario({
  name: "sentinel-clock-jump",
  fault: `the Sentinels' clocks jump ${String(JUMP_MS / 1000)} s forward (their processes stalled that long, as a VM pause does), then kill the Redis master; restart it after the failover`,
  expected: "Sentinels enter TILT and act on nothing for 30 s. When TILT is shorter than 10 × down-after, the failover comes once it ends (tiltDelayMs measured); when longer (the fast profile's 1 s down-after), the replica is then judged too stale and no failover happens at all (noFailoverForMs): the restarted master, with appendonly, brings sessions back",
  topology: { slices: ["redis", "web"] },
  mechanisms: ["sentinel", "app-settings"],
  mutants: [MUTANTS.redisAofOff, MUTANTS.sentinelDownAfter30s],
  // Held through TILT and a normal failover after it; recovery may include a Sentinel's second TILT.
  phases: (spec) => ({ faultMs: SENTINEL_TILT.periodMs + sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: sentinelRestartRecoveryBound(spec, true).ms }),
  timeline: [
    ...SENTINELS.map((s) => ({ atMs: 0, action: "pause (SIGSTOP)", target: s })),
    ...SENTINELS.map((s) => ({ atMs: JUMP_MS, action: "heal: unpause", target: s })),
    { atMs: JUMP_MS, action: "kill (SIGKILL) once every Sentinel is in TILT", target: "redis-1" },
    { atMs: "end", action: "heal: start again", target: "redis-1" },
  ],
  workload: (ctx) => sentinelSessionWorkload(ctx, "tilt", "caddy"),
  async inject(ctx, observed) {
    const stalled = await Promise.all(SENTINELS.map((s) => ctx.topology.pause(s)));
    await ctx.hold(JUMP_MS);
    await Promise.all(stalled.map((f) => f.heal()));
    const inTilt = async () =>
      (
        await Promise.all(
          SENTINELS.map((s) => withRedis(ctx.topology.node(s), PORTS.sentinel, async (r) => /sentinel_tilt:1/.test(await r.info("sentinel")))),
        )
      ).filter(Boolean).length;
    // Sentinel's timer runs ten times a second: each notices the step within a few runs.
    observed.tilted = await until("every Sentinel in TILT", SENTINEL_PERIODS.askMs, async () => ((await inTilt()) === SENTINELS.length ? SENTINELS.length : undefined)).catch(inTilt);
    observed.oldMaster = "redis-1";
    const kill = await ctx.topology.kill("redis-1");
    observed.killedAt = ctx.history.now();
    await ctx.hold(ctx.phases.faultMs);
    return [kill];
  },
  async observe(ctx, observed) {
    await observeRedis(ctx, observed);
    // A Sentinel whose timer runs late again (its event loop stalled: here, resolving the dead master's name)
    // enters TILT again: its log is the only record of each entry.
    observed.tiltEntries = Object.fromEntries(await Promise.all(SENTINELS.map(async (s) => [s, (await ctx.topology.logs(s).catch(() => "")).match(TILT_ENTERED)?.length ?? 0] as const)));
  },
  checks(e) {
    const killedAt = Number(e.observed.killedAt);
    const normal = sentinelFailoverBound(e.spec);
    // While the master was dead: after the operator restarts it, what Sentinel does is recovery.
    const switched = e.ops.filter((o) => o.f === "sentinel-master" && o.type === "ok" && o.end > killedAt && o.end < e.at.heal && o.value?.note !== "redis-1").sort((a, b) => a.end - b.end)[0];
    const switchAfterMs = switched ? round(switched.end - killedAt) : null;
    const tilted = control("every Sentinel entered TILT after its clock jumped", e.observed.tilted === SENTINELS.length, `${String(e.observed.tilted)} of ${String(SENTINELS.length)} Sentinels reported sentinel_tilt:1 after a ${String(JUMP_MS)} ms jump (TILT's trigger: ${String(SENTINEL_TILT.triggerMs)} ms)`);
    // When TILT ends the replica's link has been down for the whole of it; Sentinel promotes no replica down
    // for longer than VALIDITY × down-after beyond the master's own s_down time, so the failover happens after
    // TILT only if TILT is shorter than that.
    const validity = e.spec.timings.sentinel.downAfterMs * SENTINEL_REPLICA_VALIDITY_FACTOR;
    const failoverAfterTilt = SENTINEL_TILT.periodMs < validity;
    const rule = `TILT ${String(SENTINEL_TILT.periodMs)} ms against the replica validity ${String(SENTINEL_REPLICA_VALIDITY_FACTOR)} × down-after ${String(e.spec.timings.sentinel.downAfterMs)} = ${String(validity)} ms`;
    if (failoverAfterTilt) {
      // Both clocks start together: TILT at the jump (entered at most one ask period before the kill, the wait's
      // deadline) and down-after at the kill. Sentinel acts once both have run out: whichever is longer decides,
      // then the rest of a normal failover follows. With the fast profile's short down-after that is TILT; with
      // production's 30 s down-after the two end together and TILT adds nothing a user would see.
      const downAfter = e.spec.timings.sentinel.downAfterMs;
      const earliest = Math.max(downAfter, SENTINEL_TILT.periodMs - SENTINEL_PERIODS.askMs);
      const waited: readonly [string, number] = SENTINEL_TILT.periodMs > downAfter ? ["TILT period", SENTINEL_TILT.periodMs] : ["down-after (not shorter than TILT)", downAfter];
      const latest = bound(waited, ...(normal.terms ?? []).filter((t) => t[0] !== "down-after"));
      const tiltDelayMs = switchAfterMs === null ? null : round(Math.max(0, switchAfterMs - normal.ms));
      return [
        tilted,
        result(
          "the failover waited for TILT's end and down-after, then came as a normal one",
          switchAfterMs !== null && switchAfterMs >= earliest && switchAfterMs <= latest.ms,
          switchAfterMs === null
            ? `the Sentinels never named a new master during the hold (${rule})`
            : `Sentinels named a new master ${String(switchAfterMs)} ms after the kill (not before ${String(earliest)} ms = the longer of down-after ${String(downAfter)} and TILT ${String(SENTINEL_TILT.periodMs)} less one ask period ${String(SENTINEL_PERIODS.askMs)}; latest ${latest.derivation}): ${String(tiltDelayMs)} ms later than a normal failover's bound (${normal.derivation})`,
          { tiltDelayMs, switchAfterMs, earliestMs: earliest },
        ),
        failover(e.ops, { f: "session-note-write", faultAt: e.at.fault, bound: latest, resolutionMs: e.intervalMs }),
        sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
        ...sentinelOutcome(e, "restarted"),
        restartRecovery(e),
      ];
    }
    const heldMs = round(e.at.heal - killedAt);
    // "No failover" is a claim about every moment: it needs the Sentinels' own word that redis-1 was still the
    // master once a normal failover would have been over; probes that failed or timed out say nothing either way.
    const window = e.ops.filter((o) => o.f === "sentinel-master" && o.end > killedAt + normal.ms && o.end < e.at.heal);
    const stillOld = window.filter((o) => o.type === "ok" && o.value?.note === "redis-1").length;
    const unanswered = window.filter((o) => o.type !== "ok").length;
    return [
      tilted,
      result(
        "no automatic failover: after TILT the replica is judged too stale to promote",
        switchAfterMs !== null ? false : stillOld > 0 ? true : "unknown",
        switchAfterMs === null
          ? `no new master in the ${String(heldMs)} ms the master was dead (a normal failover needs ${normal.derivation}); past that the Sentinels still named redis-1 ${String(stillOld)} time(s) (${String(unanswered)} probe(s) unanswered): ${rule}, so Sentinel aborts (-failover-abort-no-good-slave) and waits for the master`
          : `Sentinels named a new master ${String(switchAfterMs)} ms after the kill, although ${rule}`,
        { noFailoverForMs: switchAfterMs === null ? heldMs : null, tiltDelayMs: switchAfterMs === null ? heldMs - normal.ms : null },
      ),
      // The operator's way out: the master restarted. With appendonly it reloads its data, so sessions survive
      // (whether Sentinel, its replica's link back, then still fails over to it, or clears its o_down first).
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      restartRecovery(e),
    ];
  },
});

/** Recovery after the master's restart, within Sentinel's bound for it; TILT entered again is counted (a finding) and allowed for. */
function restartRecovery(e: Evidence): CheckResult {
  const entries = (e.observed.tiltEntries ?? {}) as Record<string, number>;
  const again = Object.values(entries).reduce((n, k) => n + Math.max(0, k - 1), 0);
  const r = recovery({ healedAt: e.at.heal, steadyAt: e.at.steadyAt, problems: e.recoveryProblems }, sentinelRestartRecoveryBound(e.spec, again > 0));
  const seen = Object.entries(entries).map(([s, k]) => `${s} ${String(k)}`).join(", ");
  return { ...r, detail: `${r.detail}; TILT entries: ${seen || "not read"}`, figures: { ...r.figures, tiltReentries: again } };
}
