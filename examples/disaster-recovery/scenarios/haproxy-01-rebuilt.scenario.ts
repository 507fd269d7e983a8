import { bound, type Bound, control, defineScenario, faultInForceAt, holdFault, kill, lostWrites, measurement, OBSERVE_MS, recoveredInTime, recoveryBound, result, type Term, type TopologySpec } from "brownout";
import { BEFORE_PATRONI_CHECKS, checksOf, DB_PROFILE, poolWorkload, reinstallHaproxy01, staleBackupMutant } from "./stack.js";
import { verification, verificationResult, type VerifiedPort } from "./verification.js";

/**
 * From the reinstall asked for: HAProxy starts from its saved configuration with every server taken as up, but
 * only just (its health counter at rise): the first failed check marks a standby down, whatever fall says. Those
 * first checks run within one inter of the start (spread over it), each up to the check timeout; until then
 * writes through 5432 may reach a standby and be refused.
 */
function rebuiltTerms(spec: TopologySpec): Term[] {
  const h = checksOf(spec);
  return [["HAProxy starts", spec.margins.serverStartMs], ["its first checks, within inter", h.interMs], ["check timeout", h.timeoutMs]];
}

function rebuiltBound(spec: TopologySpec): Bound {
  return bound(...rebuiltTerms(spec), ...measurement(spec));
}

/** The ports this scenario's stack serves (it runs neither Redis nor RabbitMQ: haproxy-01-lost verifies 6379 and 5672). */
const VERIFIED: readonly VerifiedPort[] = ["5432", "5433", "6432"];

/**
 * Seed 002's disaster: haproxy-01 lost (SIGKILL: the hardware failure), then its disaster-recovery script reinstalls
 * it (the node recreated from its declaration: a new container, the same name) serving the configuration its backup
 * job saved, and runs its verification. Clients of 5432 and 6432 fail while it is gone (this stack has no haproxy-02 yet: the
 * whole outage is felt); once it is back, writes through both are served again within HAProxy's start, its
 * first checks marking the standbys down (the reinstall is done once its health, the leader alone up and PgBouncer
 * routed, passes: the compose file's healthcheck); the verification then finds 5432 on the leader, 5433 on a
 * standby and 6432 through PgBouncer; nothing acknowledged is lost. PgBouncer needs nothing of its own here: its
 * pool was back with the rebuilt haproxy-01 even with server_login_retry or server_connect_timeout at their
 * 15 s defaults (tried as mutants; both survived, so neither is one).
 */
export default defineScenario({
  name: "haproxy-01-rebuilt",
  fault: "kill haproxy-01 (SIGKILL); the disaster-recovery script reinstalls it from its saved configuration",
  expected: "writes through 5432 and 6432 fail while haproxy-01 is gone; both served again within the reinstall, HAProxy's checks and PgBouncer's login retry; the verification passes on every port; no acknowledged write lost",
  topology: { composeProfiles: [DB_PROFILE] },
  mechanisms: [],
  mutants: [
    {
      name: "haproxy-inter-10s",
      regression: "haproxy-01's checks every 10 s, to spare Patroni's REST API: a rebuilt HAProxy, which starts with every server up, knows the leader only after its first checks, up to 10 s after its start",
      deploy: { nodes: [{ name: "haproxy-01", kind: "generic", settings: { environment: { CHECK_INTER: "10s" } } }] },
    },
    staleBackupMutant(
      "haproxy-01-backup-stale",
      "the backup job stopped before haproxy-01's configuration was fixed to check Patroni (05_haproxy_patroni_FIXED_V2.sh): the running haproxy-01 is right, but the reinstall restores the older file, whose 5432 passes every member on a TCP check",
      [BEFORE_PATRONI_CHECKS],
    ),
  ],
  phases: (spec) => ({
    faultMs: OBSERVE_MS,
    afterMs: 1000,
    recovery: recoveryBound(spec, ...rebuiltTerms(spec)),
  }),
  timeline: [
    { atMs: 0, action: "kill", target: "haproxy-01" },
    { atMs: "end", action: "heal: reinstall from the saved configuration", target: "haproxy-01" },
  ],
  workload: (ctx) => Promise.resolve(poolWorkload(ctx, ctx.topology.spec)),
  inject: (ctx) => holdFault(ctx, kill("haproxy-01")),
  async heal(ctx) {
    await reinstallHaproxy01(ctx);
  },
  async observe(ctx, observed) {
    observed.verification = await verification(ctx, VERIFIED);
  },
  checks(e) {
    const from = faultInForceAt(e);
    // The reinstall is the operator's step (a recreate, recorded in the journal), not a heal of the kill.
    const healed = e.journal.find((j) => j.f === "recreate")?.t ?? e.at.heal;
    const back = rebuiltBound(e.spec);
    const during = (f: string) => e.ops.filter((o) => o.f === f && o.start >= from && o.start < healed);
    const failed = (f: string) => during(f).filter((o) => o.type !== "ok").length;
    const backAt = (f: string) => e.ops.filter((o) => o.f === f && o.type === "ok" && o.start >= healed).sort((a, b) => a.start - b.start)[0];
    // Past the bound every write is served: none still sent to a standby or refused by a pool still waiting.
    const lateFailures = (f: string) => e.ops.filter((o) => o.f === f && o.type !== "ok" && o.start >= healed + back.ms).length;
    return [
      control("the loss of haproxy-01 was felt: writes through 5432 and 6432 failed", failed("item-write") > 0 && failed("pool-write") > 0, `${String(failed("item-write"))} item-write and ${String(failed("pool-write"))} pool-write did not succeed while haproxy-01 was gone`),
      ...(["item-write", "pool-write"] as const).map((f) => {
        const first = backAt(f);
        const backMs = first ? first.start - healed : null;
        const late = lateFailures(f);
        return result(
          `${f} served again within the reinstall's bound, and not refused after it`,
          backMs !== null && backMs <= back.ms && late === 0,
          `first ${f} after the reinstall asked: ${backMs === null ? "never" : `${String(Math.round(backMs))} ms`}; ${String(late)} failed after the bound; bound ${back.derivation}`,
          { backMs: backMs === null ? null : Math.round(backMs), boundMs: back.ms, lateFailures: late },
        );
      }),
      verificationResult(e.observed.verification, VERIFIED),
      lostWrites(e.ops, { f: "pool-write", present: e.finalRead["pool-write"] ?? null }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
