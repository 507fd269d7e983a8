import { bound, control, defineScenario, type PostgresState, postgresStateOf, failover, faultInForceAt, faultThenHeal, haproxySeesUp, healthProbe, haproxySeesUpTerms, healthStates, holdFault, lostWrites, noFailures, OBSERVE_MS, productInsert, productRead, productsOnPrimary, recoveredInTime, recoveryBound, result, seedProducts, slowest, targets } from "../src/index.js";
import { failFastBound, haproxyDetection } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/**
 * A gray failure: pg-primary is frozen (SIGSTOP on every process), so its port still accepts connections and
 * nothing answers on them; neither refused nor closed. No mechanism fails Postgres over in this stack (promotion is
 * the operator's, seed 004), so the claim is about bounds: writes fail within the app's timeout instead of
 * hanging, /health stays bounded and says pg-write is down, reads keep being served by the replica, and writes
 * resume once the primary is thawed, with nothing acknowledged lost. Origin: a stalled primary (a hung disk, a VM
 * paused by its host), the failure that a refused-connection test never shows.
 */
export default defineScenario({
  name: "pg-primary-frozen",
  fault: "freeze pg-primary (SIGSTOP); thaw it (SIGCONT)",
  expected: "writes fail within the app's timeout (no hang); /health bounded, pg-write down; reads served by the replica; no failover (none configured); writes resume after the thaw, none lost",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: "fallback", cacheTtlS: 1 } },
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.noDepTimeout, MUTANTS.healthIgnoresDeps],
  // Frozen past HAProxy's detection and one more write timeout, then watched.
  phases: (spec) => ({ faultMs: haproxyDetection(spec).ms + spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 1500, recovery: recoveryBound(spec, slowest({ "HAProxy sees pg-primary up": haproxySeesUp(spec), "the WAL receiver's reconnect": bound(["wal_retrieve_retry_interval", spec.timings.postgres.walRetrieveRetryMs]) })) }),
  timeline: faultThenHeal("pause (SIGSTOP)", "pg-primary", "unpause (SIGCONT)"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    const prefix = `${ctx.tag}-ins`;
    return {
      probes: [productInsert(ctx.http, t.caddy, prefix), productRead(ctx.http, t.caddy, keys), healthProbe(ctx.http, t.gra)],
      finalRead: async () => ({ "product-insert": await productsOnPrimary(ctx.topology, prefix) }),
    };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.pause("pg-primary")),
  async observe(ctx, observed) {
    observed.postgres = await postgresStateOf(ctx.topology);
  },
  checks(e) {
    const from = faultInForceAt(e);
    const during = (f: string) => e.ops.filter((o) => o.f === f && o.start >= from && o.start < e.at.heal);
    const failedWrites = during("product-insert").filter((o) => o.type !== "ok");
    const slowestWrite = failedWrites.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    const health = during("health");
    const slowestHealth = health.reduce((m, o) => Math.max(m, o.end - o.start), 0);
    const saidDown = health.filter((o) => healthStates(o.value?.note)["pg-write"] === "down").length;
    const limit = failFastBound(e.spec);
    // /health probes each dependency under its own, shorter bound, so it answers inside the proxies' checks.
    const healthLimit = bound(["app health timeout", e.spec.timings.app.healthTimeoutMs], ["scheduler lateness", e.spec.margins.schedulerLatenessMs]);
    // Writes resume once HAProxy has seen the thawed primary pass `rise` checks (the first downinter after the
    // thaw, the next ones fastinter apart, each answered within the check timeout, behind the check the freeze
    // held), and a write in flight when it thawed has met its timeout. The failover is measured from the fault's
    // first step, so the freeze is too.
    const resume = bound(["frozen for", Math.round(e.at.heal - e.at.fault)], ...haproxySeesUpTerms(e.spec), ["app dep timeout", e.spec.timings.app.depTimeoutMs]);
    const pg = e.observed.postgres as PostgresState | undefined;
    return [
      control("the freeze was felt: writes failed", failedWrites.length > 0, `${String(failedWrites.length)} of ${String(during("product-insert").length)} writes did not succeed while pg-primary was frozen`),
      control("health said pg-write down during the freeze", saidDown > 0, `${String(saidDown)} of ${String(health.length)} /health answers from gra reported pg-write down`),
      result("writes fail within the app's timeout (no hang)", slowestWrite <= limit.ms, `the slowest failed write answered in ${String(Math.round(slowestWrite))} ms (limit ${limit.derivation})`, { slowestFailedWriteMs: Math.round(slowestWrite), limitMs: limit.ms }),
      result("/health stays bounded", health.length > 0 && slowestHealth <= healthLimit.ms, `${String(health.length)} /health answers during the freeze, the slowest in ${String(Math.round(slowestHealth))} ms (limit ${healthLimit.derivation})`, { slowestHealthMs: Math.round(slowestHealth) }),
      noFailures(e.ops, "product-read", undefined, "(the replica serves reads)"),
      failover(e.ops, { f: "product-insert", faultAt: e.at.fault, bound: resume, resolutionMs: e.intervalMs, label: "(resumed after the thaw)" }),
      result("no failover (none configured): the thawed primary is the primary again", pg !== undefined && pg.primaryInRecovery === false && pg.replicaInRecovery === true, `pg-primary in recovery: ${String(pg?.primaryInRecovery)}, pg-replica in recovery: ${String(pg?.replicaInRecovery)}`),
      lostWrites(e.ops, { f: "product-insert", present: e.finalRead["product-insert"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
