import { control, defineScenario, failsFastAndClearly, faultThenHeal, haproxySeesUpTerms, holdFault, lostWrites, noFailures, OBSERVE_MS, productInsert, productRead, productsOnPrimary, recoveredInTime, recoveryBound, result, seedProducts, targets } from "../src/index.js";
import { failFastBound } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/**
 * SIGKILL pg-replica, restart it. gra reads with the `strict` policy (replica only), sbg with `fallback` (then the
 * primary): the documented difference is what must be seen. Writes go to the primary and are not affected; the
 * restarted replica catches up from its replication slot. Origin: the product API's read policies (seed 004).
 */
export default defineScenario({
  name: "pg-replica-down",
  fault: "kill pg-replica (SIGKILL); restart it",
  expected: "strict: cache-miss reads fail with 503/504, cache hits served; fallback: no failed read; catch-up, no lost write",
  topology: { slices: ["postgres", "redis", "web"], app: { readPolicy: { gra: "strict", sbg: "fallback" }, cacheTtlS: 1 } },
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.strictReadsFallBack, MUTANTS.bothSitesStrict],
  // Held until HAProxy has marked the replica down (fall checks, inter apart) and a fallback read (a replica
  // attempt, then the primary, each bounded by the app's timeout) has had time to finish, then watched.
  phases: (spec) => {
    const h = spec.timings.haproxy;
    return { faultMs: h.interMs * h.fall + h.checkTimeoutMs + 2 * spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 1500, recovery: recoveryBound(spec, ...haproxySeesUpTerms(spec)) };
  },
  timeline: faultThenHeal("kill", "pg-replica", "start again"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 6);
    const prefix = `${ctx.tag}-ins`;
    return {
      probes: [productRead(ctx.http, t.gra, keys), productRead(ctx.http, t.sbg, keys), productInsert(ctx.http, t.sbg, prefix)],
      finalRead: async () => ({ "product-insert": await productsOnPrimary(ctx.topology, prefix) }),
    };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.kill("pg-replica")),
  checks(e) {
    // From one probe interval after the kill (a read already answered by the replica is not the fault's).
    const fault = { from: e.at.fault + e.intervalMs, to: e.at.heal };
    const during = (site: string) => e.ops.filter((o) => o.f === "product-read" && o.process.endsWith(`@${site}`) && o.start >= fault.from && o.end <= fault.to);
    const gra = during("gra");
    const failed = gra.filter((o) => o.type !== "ok");
    const servedOk = gra.filter((o) => o.type === "ok");
    const notCache = servedOk.filter((o) => o.value?.source !== "cache");
    const sbgFromPrimary = during("sbg").filter((o) => o.type === "ok" && o.value?.source === "primary").length;
    return [
      // Felt, on both sites: the strict site's misses failed, and the fallback site really fell back.
      control("the replica's loss was felt: strict misses failed, fallback read the primary", failed.length > 0 && sbgFromPrimary > 0, `gra (strict): ${String(failed.length)} reads failed; sbg (fallback): ${String(sbgFromPrimary)} reads served by the primary`, { strictFailed: failed.length, fallbackFromPrimary: sbgFromPrimary }),
      // A miss answers 503/504 in time: a timeout or a dropped connection is no clear answer either.
      failsFastAndClearly(e.ops, { f: "product-read", span: fault, limit: failFastBound(e.spec), only: (p) => p.endsWith("@gra"), name: "strict: misses fail fast with 503/504" }),
      result(
        "strict: hits served from the cache only",
        servedOk.length > 0 && notCache.length === 0,
        `gra during the fault: ${String(servedOk.length)} served (${String(notCache.length)} not from the cache), ${String(failed.length)} failed`,
        { served: servedOk.length, failed: failed.length },
      ),
      noFailures(e.ops, "product-read", undefined, "by the fallback site", { only: (p) => p.endsWith("@sbg") }),
      noFailures(e.ops, "product-insert", undefined, "(writes go to the primary)"),
      lostWrites(e.ops, { f: "product-insert", present: e.finalRead["product-insert"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
