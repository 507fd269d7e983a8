import { defineScenario, faultInForceAt, faultTimeline, holdFault, loss, lostWrites, OBSERVE_MS, recoveredInTime, result, sessions } from "../src/index.js";
import { failFastBound, FLAP_CYCLES, sentinelConvertsReturnedMaster, sentinelFailoverBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";
import { sentinelSessionWorkload } from "./redis-master.js";
import { sentinelDetects } from "./sentinel-detects.js";
import { falseFailovers, LOSS_PERCENT, lossFelt, noteLossMechanism, userImpact } from "./packet-loss.js";

const FAULT = loss("redis-1", LOSS_PERCENT);
const USER_OPS = ["session-read", "session-note-write"];

/**
 * 30 % of the Redis master's packets dropped each way (netem, else iptables' statistic match). The master is alive
 * but lossy: TCP retransmits stretch some commands past the app's timeout and some Sentinel pings past
 * down-after. Shown: the error rate and tail latency users see, that no request to the app waits past its bound,
 * that no acknowledged session write is lost, that sessions survive users moved between sites, and how often Sentinel failed the live master over (a flap is a
 * finding, counted). Origin: Sentinel's down-after-milliseconds against an unreliable link (seed 003's Redis).
 */
export default defineScenario({
  name: "redis-packet-loss",
  fault: `${String(LOSS_PERCENT)} % packet loss on the Redis master (redis-1), each way; removed`,
  expected: "users' error rate and p99 measured; no request past the app's timeout; no acknowledged session write lost; false Sentinel failovers counted",
  topology: { slices: ["redis", "web"] },
  mechanisms: ["sentinel", "app-settings"],
  // Not no-dep-timeout: this kernel's TCP recovers 30 % random loss fast enough that a command rarely waits past
  // the app's timeout even without it (one run's slowest of 142 writes: 475 ms), so a kill would be chance; the
  // frozen-master scenarios show that regression.
  mutants: [MUTANTS.sharedSessionsInMemory, MUTANTS.sentinelDownAfter30s, MUTANTS.sentinelDownAfter200ms],
  // "No false failover" means something only if the detector works as configured: shown before the fault.
  demonstrations: [sentinelDetects],
  // Held long enough for Sentinel to complete a failover if it decided on one.
  phases: (spec) => ({ faultMs: sentinelFailoverBound(spec).ms + OBSERVE_MS, afterMs: 1500, recoveryBoundMs: sentinelConvertsReturnedMaster(spec).ms }),
  timeline: faultTimeline(FAULT, "rules removed"),
  // Writes straight to gra, so their latency is the app's alone (through Caddy it may include waiting for a site).
  workload: (ctx) => sentinelSessionWorkload(ctx, "lossy", "gra"),
  async inject(ctx, observed) {
    await noteLossMechanism(ctx, observed);
    return holdFault(ctx, FAULT);
  },
  checks(e) {
    // Felt by the session writes, which always cross the lossy master (a store that never reaches Redis is not
    // under this fault at all); measured over everything users did.
    const { control } = lossFelt(e, ["session-note-write"], USER_OPS);
    // A request to the app meets its dependency timeout at worst: the app does not retry, and nothing else waits.
    const limit = failFastBound(e.spec);
    const direct = userImpact(e.ops, ["session-note-write"], faultInForceAt(e), e.at.heal);
    return [
      control,
      result("no request to the app waits past its timeout", direct.ops > 0 && direct.maxLatencyMs <= limit.ms, `slowest of ${String(direct.ops)} writes to gra under loss: ${String(direct.maxLatencyMs)} ms (limit ${limit.derivation})`, { maxLatencyMs: direct.maxLatencyMs, limitMs: limit.ms }),
      lostWrites(e.ops, { f: "session-note-write", present: e.finalRead["session-note-write"] ?? null }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      falseFailovers(e.ops, "sentinel-master", "the Sentinels' master", { cycle: FLAP_CYCLES.sentinel(e.spec), perCycle: 1, windowMs: e.at.end - e.at.steady }),
      // Lost health checks take a live site out of Caddy: users moved to sbg and back are a flap too (two changes).
      falseFailovers(e.ops, "session-read", "the site Caddy sends users to", { cycle: FLAP_CYCLES.caddy(e.spec), perCycle: 2, windowMs: e.at.end - e.at.steady }, "siteFlaps", (o) => o.value?.site ?? ""),
      recoveredInTime(e),
    ];
  },
});
