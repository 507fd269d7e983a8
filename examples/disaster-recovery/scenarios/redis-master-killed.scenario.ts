import { bound, control, defineScenario, failover, faultInForceAt, holdUntilServed, injectFault, kill, lostWrites, type Mutant, OBSERVE_MS, recoveredInTime, recoveryBound, result, SENTINEL_PERIODS, type Term, type TopologySpec } from "brownout";
import { fileURLToPath } from "node:url";
import { type ConfigEdit, haproxyMutant } from "./stack.js";

/**
 * HAProxy's common recipe for Redis behind Sentinel: every node in service, checked for role:master, and no
 * runtime API for redis-update-master.sh to reach.
 */
const ROLE_CHECK: readonly ConfigEdit[] = [
  { find: "  # The runtime API on the stack's network, for the Sentinels' redis-update-master.sh (never published).\n  stats socket ipv4@0.0.0.0:9999 level admin\n", replace: "" },
  { find: "  tcp-check expect string +PONG\n", replace: "  tcp-check expect string +PONG\n  tcp-check send info\\ replication\\r\\n\n  tcp-check expect string role:master\n  tcp-check send QUIT\\r\\n\n  tcp-check expect string +OK\n" },
  { find: "  server redis-02 redis-02:6379 check disabled\n  server redis-03 redis-03:6379 check disabled\n", replace: "  server redis-02 redis-02:6379 check\n  server redis-03 redis-03:6379 check\n" },
];
import { haproxyRedisServers, masterOf, REDIS_PROFILE, redisFailoverBound, redisNow, redisWorkload, SENTINELS } from "./redis.js";

/**
 * From the restart of the old master to one master again: it starts (reloading its append-only file), calls
 * itself master, and Sentinel turns it into a replica once it has reported so for the convert wait, at an INFO
 * read (every INFO period); then it resynchronises from the new master.
 */
function rejoinTerms(spec: TopologySpec): Term[] {
  return [["the old master restarts", spec.margins.serverStartMs], ["Sentinel convert wait", SENTINEL_PERIODS.convertWaitMs], ["Sentinel INFO period", SENTINEL_PERIODS.infoMs]];
}

/** The three Sentinels run another redis-update-master.sh (mutants/<name>.sh). */
function scriptMutant(name: string, regression: string): Mutant {
  const script = fileURLToPath(new URL(`../mutants/${name}.sh`, import.meta.url));
  return { name, regression, deploy: { nodes: SENTINELS.map((s) => ({ name: s, kind: "sentinel", settings: { clientReconfigScript: script } })) } };
}

/**
 * Seed 002's Redis behind haproxy-01:6379, for clients that do not speak Sentinel (one connection per request):
 * the master is killed, the Sentinels elect a replica, and their redis-update-master.sh puts it in service on
 * haproxy-01 and the others in maintenance. Writes through 6379 are served again within Sentinel's failover and
 * the script's run; none acknowledged is lost but those Redis's asynchronous replication had not shipped at the
 * kill. The old master, restarted, calls itself master until Sentinel converts it: it must get no client in
 * between (kept in maintenance), then it rejoins as a replica.
 */
export default defineScenario({
  name: "redis-master-killed",
  fault: "kill the Redis master (SIGKILL); start it again once the Sentinels have elected another",
  expected: "writes through haproxy-01:6379 served again within Sentinel's failover and the script's run; no acknowledged write lost beyond the replication lag at the kill; the returned old master gets no client and rejoins as a replica",
  topology: { composeProfiles: [REDIS_PROFILE] },
  mechanisms: [],
  mutants: [
    haproxyMutant("haproxy-redis-role-check", "haproxy-01 follows the Redis master the usual way, a tcp-check on every node for role:master, instead of redis-update-master.sh: a returned old master is served until Sentinel converts it", ROLE_CHECK),
    scriptMutant("redis-update-master-no-maint", "redis-update-master.sh puts the new master in service but leaves the old one to HAProxy's check: once back, it answers PING and is served beside the new master"),
  ],
  phases: (spec) => ({
    faultMs: redisFailoverBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    recovery: recoveryBound(spec, ...rejoinTerms(spec)),
  }),
  timeline: [
    { atMs: 0, action: "kill the master Sentinel names", target: "redis-01" },
    { atMs: "end", action: "heal: start it again", target: "redis-01" },
  ],
  workload: (ctx) => Promise.resolve(redisWorkload(ctx)),
  async inject(ctx, observed) {
    const master = masterOf(await redisNow(ctx));
    observed.oldMaster = master;
    observed.haproxyBefore = await haproxyRedisServers(ctx);
    const killed = await injectFault(ctx.topology, kill(master));
    // Held until writes through 6379 are served again (on the new master), then OBSERVE_MS: the bound only if not.
    await holdUntilServed(ctx, "redis-write");
    return [killed];
  },
  async observe(ctx, observed) {
    const now = await redisNow(ctx);
    observed.newMaster = masterOf(now);
    observed.roles = Object.fromEntries(Object.entries(now.nodes).map(([n, r]) => [n, r.role]));
    observed.haproxyAfter = await haproxyRedisServers(ctx);
  },
  checks(e) {
    const from = faultInForceAt(e);
    const old = String(e.observed.oldMaster);
    const now = String(e.observed.newMaster);
    const roles = (e.observed.roles ?? {}) as Record<string, string>;
    const before = (e.observed.haproxyBefore ?? {}) as Record<string, string>;
    const after = (e.observed.haproxyAfter ?? {}) as Record<string, string>;
    const show = (m: Record<string, string>) => Object.entries(m).map(([s, st]) => `${s} ${st}`).join(", ") || "nothing";
    const onlyServes = (m: Record<string, string>, master: string) => m[master] === "UP" && Object.entries(m).every(([s, st]) => s === master || st.startsWith("MAINT"));
    const failed = e.ops.filter((o) => o.f === "redis-write" && o.type !== "ok" && o.start >= from && o.start < e.at.heal).length;
    return [
      control("haproxy-01 served only the master before the fault", onlyServes(before, old), `before the kill: ${show(before)}; master ${old}`),
      control("the kill was felt: writes through 6379 failed", failed > 0, `${String(failed)} redis-write did not succeed while ${old} was dead`),
      result("the Sentinels elected another master", now !== old && now !== "none", `Sentinels name ${now}; the old master was ${old}`),
      result("redis-update-master.sh put the new master in service on haproxy-01, the others in maintenance", onlyServes(after, now), `after recovery: ${show(after)}`),
      failover(e.ops, { f: "redis-write", faultAt: from, bound: redisFailoverBound(e.spec), resolutionMs: e.intervalMs }),
      lostWrites(e.ops, {
        f: "redis-write",
        present: e.finalRead["redis-write"] ?? null,
        // Redis acknowledges before its replicas have the write: those acknowledged within the lag before the kill may go.
        allowLost: { at: from, lagWindow: bound(["Redis's asynchronous replication lag", e.spec.margins.asyncLagMs]), lateMs: e.spec.margins.schedulerLatenessMs },
      }),
      result(`the old master ${old} rejoined as a replica`, roles[old] === "slave", Object.entries(roles).map(([n, r]) => `${n} ${r}`).join(", ")),
      recoveredInTime(e),
    ];
  },
});
