import { control, defineScenario, faultTimeline, haproxySeesUpTerms, holdFault, kill, noFailures, OBSERVE_MS, recoveredInTime, recoveryBound, result, targets } from "brownout";
import { failFast } from "./bounds.js";
import { reads, seed, writes } from "./workload.js";

/**
 * Seed 004, "Panne Replica": reads fail (500) because no fallback to the primary was built for reads — a strict
 * architectural choice. A documented weakness: the scenario passes when it observes and bounds it (misses fail
 * fast with a 5xx, cached keys still serve, writes unaffected), and goes red if the policy silently changes.
 */
export default defineScenario({
  name: "products-replica-down",
  fault: "kill pg-replica (SIGKILL), then start it again",
  expected: "cache misses answer 5xx fast (strict reads, seed 004), cached keys keep serving, writes keep committing; reads recover after the restart",
  topology: {},
  mechanisms: ["pg-streaming", "haproxy-checks", "caddy-failover", "cache-ttl"],
  mutants: [
    { name: "strict-reads-fall-back", regression: "someone 'fixes' the 500s by reading the primary on a replica error, loading the primary the design keeps for writes", deploy: { app: { testBugs: ["strict-reads-fall-back"] } } },
    { name: "health-requires-all-deps", regression: "/health fails when the replica is down, so Caddy takes both sites out and writes fail too", deploy: { app: { testBugs: ["health-requires-all-deps"] } } },
  ],
  phases: (spec) => ({ faultMs: spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 2500, recovery: recoveryBound(spec, ...haproxySeesUpTerms(spec)) }),
  timeline: faultTimeline(kill("pg-replica"), "start pg-replica"),
  // Restarted, the replica streams again; HAProxy's check sees it within its rise.
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seed(ctx, t.gra, 4);
    // hot: never written, so cached for the TTL; churn: written all along, so every read after a write misses.
    return { probes: [reads(ctx.http, t.caddy, keys.slice(2), "hot-read"), reads(ctx.http, t.caddy, keys.slice(0, 2), "churn-read"), writes(ctx.http, t.caddy, keys.slice(0, 2))] };
  },
  inject: (ctx) => holdFault(ctx, kill("pg-replica")),
  checks(e) {
    const inForce = e.at.fault + e.spec.timings.app.depTimeoutMs;
    const churn = e.ops.filter((o) => o.f === "churn-read" && o.start > inForce && o.end < e.at.heal);
    const failed = churn.filter((o) => o.type !== "ok");
    const fromPrimary = e.ops.filter((o) => o.f.endsWith("-read") && o.value?.source === "primary");
    const slowest = failed.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    const limit = failFast(e.spec);
    const recovered = e.ops.filter((o) => o.f === "churn-read" && o.type === "ok" && e.at.steadyAt !== null && o.start > e.at.steadyAt);
    return [
      control("the replica's loss was felt: cache misses failed", failed.length > 0, `${String(failed.length)} of ${String(churn.length)} churn reads failed after the kill`),
      result("misses answer 5xx, never from the primary (strict policy)", failed.every((o) => (o.value?.status ?? 0) >= 500) && fromPrimary.length === 0, `${String(failed.length)} failed reads, statuses ${[...new Set(failed.map((o) => o.value?.status ?? o.error ?? "none"))].join(", ")}; ${String(fromPrimary.length)} reads served by the primary`),
      result("misses fail fast", slowest <= limit.ms, `slowest failed read ${String(Math.round(slowest))} ms (limit ${limit.derivation})`, { slowestFailedReadMs: Math.round(slowest), limitMs: limit.ms }),
      noFailures(e.ops, "hot-read", undefined, "cached keys, during the whole run"),
      noFailures(e.ops, "product-write", undefined, "during the whole run"),
      result("misses are served again after the restart", recovered.length > 0 && recovered.every((o) => o.value?.source !== "primary"), `${String(recovered.length)} churn reads served after recovery`),
      recoveredInTime(e),
    ];
  },
});
