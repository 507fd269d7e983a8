import { bound, control, type Demonstration, MASTER_NAME, measurement, PORTS, SENTINEL_PERIODS, SENTINELS, withRedis } from "../src/index.js";

const NAME = "mechanism: the Sentinels take an unresponsive node for down after down-after, not sooner, not later";

/** The flags each Sentinel holds for the replica `node` (`slave`, `s_down,slave`, ...), or why it did not say. */
async function replicaFlags(sentinel: Parameters<typeof withRedis>[0], node: string): Promise<string> {
  try {
    const replicas = (await withRedis(sentinel, PORTS.sentinel, (r) => r.call("SENTINEL", "REPLICAS", MASTER_NAME))) as string[][];
    const fields = replicas.map((kv) => Object.fromEntries(kv.flatMap((v, i) => (i % 2 === 0 ? [[v, kv[i + 1] ?? ""]] : []))) as Record<string, string>);
    const mine = fields.filter((f) => f.name?.startsWith(`${node}:`) || f.ip === node);
    return (mine.length > 0 ? mine : fields).map((f) => f.flags ?? "?").join("|") || "no replica listed";
  } catch (e) {
    return `no answer: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Sentinel's failure detector shown at work rather than read from its config: the replica redis-2 is frozen
 * (SIGSTOP; a replica, so nothing fails over) and every Sentinel must flag it subjectively down no sooner than
 * down-after (its first unanswered ping is sent after the freeze) and no later than down-after plus one ping
 * period (pings go out every min(down-after, 1 s)) and one run of Sentinel's timer, polled; thawed, the flag
 * clears at the next ping. A scenario that shows "no false failover" is vacuous if the detector is slower than
 * configured (a default 30 s down-after) and a detector quicker than configured flaps under ordinary loss.
 */
export const sentinelDetects: Demonstration = async (topology, spec, hold) => {
  const downAfter = spec.timings.sentinel.downAfterMs;
  const pingPeriod = Math.min(downAfter, SENTINEL_PERIODS.pingMs);
  const latest = bound(["down-after", downAfter], ["Sentinel ping period", pingPeriod], ["Sentinel timer", SENTINEL_PERIODS.timerMs], ...measurement(spec));
  const sentinels = SENTINELS.map((s) => topology.node(s));
  const flagged = new Map<number, number>();
  const t0 = performance.now();
  const frozen = await topology.pause("redis-2");
  let last: string[] = [];
  try {
    while (flagged.size < sentinels.length && performance.now() - t0 <= latest.ms) {
      last = await Promise.all(sentinels.map((s) => replicaFlags(s, "redis-2")));
      const now = performance.now() - t0;
      last.forEach((flags, i) => {
        if (flags.includes("s_down") && !flagged.has(i)) flagged.set(i, Math.round(now));
      });
      if (flagged.size < sentinels.length) await hold(spec.margins.probeIntervalMs);
    }
  } finally {
    await frozen.heal();
  }
  // Thawed: the next ping is answered, and the flag clears (the stack is left as it was found).
  const clearWithin = bound(["Sentinel ping period", pingPeriod], ["Sentinel timer", SENTINEL_PERIODS.timerMs], ...measurement(spec));
  const t1 = performance.now();
  let after = last;
  while (performance.now() - t1 <= clearWithin.ms) {
    after = await Promise.all(sentinels.map((s) => replicaFlags(s, "redis-2")));
    if (after.every((f) => !f.includes("s_down"))) break;
    await hold(spec.margins.probeIntervalMs);
  }
  const times = [...flagged.values()];
  const first = times.length > 0 ? Math.min(...times) : null;
  const slowest = times.length > 0 ? Math.max(...times) : null;
  const all = flagged.size === sentinels.length;
  const notSooner = first !== null && first >= downAfter;
  const cleared = after.every((f) => !f.includes("s_down"));
  return control(
    NAME,
    all && notSooner && cleared,
    `redis-2 frozen: ${String(flagged.size)} of ${String(sentinels.length)} Sentinels flagged it s_down${first !== null ? `, first after ${String(first)} ms, last after ${String(slowest)} ms` : ""} (expected between down-after ${String(downAfter)} ms and ${latest.derivation})${all ? "" : `; still saying ${last.join(", ")}`}; thawed, ${cleared ? "the flag cleared" : `still flagged after ${String(clearWithin.ms)} ms: ${after.join(", ")}`}`,
    { sdownFirstMs: first, sdownLastMs: slowest, downAfterMs: downAfter, boundMs: latest.ms },
  );
};
