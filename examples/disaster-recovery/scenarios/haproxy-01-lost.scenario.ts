import { bound, type Bound, control, defineScenario, failover, faultInForceAt, holdFault, kill, lostWrites, measurement, OBSERVE_MS, PGBOUNCER_DEFAULTS, recoveredInTime, recoveryBound, result, slowest, type Term, type TopologySpec } from "brownout";
import { drainedThroughHaproxy, QUEUE_PROFILE } from "./queue.js";
import { REDIS_PROFILE, redisKeys } from "./redis.js";
import { checksOf, designFrom, DB_PROFILE, haproxyMutant, keyPrefix, keysOnLeader, pgbouncerOf, reinstallHaproxy01 } from "./stack.js";
import { verification, verificationResult, type VerifiedPort } from "./verification.js";
import { heldBy, masterDownTerms, PAIR_PROFILE, takeoverBound, vipHolder, vipProbes, virtualIp } from "./vip.js";

/**
 * From the reinstall asked for: HAProxy and keepalived start; keepalived, of the higher priority, takes the virtual
 * IP back from haproxy-02 once its own master-down interval has passed (it discards the lower priority's adverts);
 * by then its HAProxy's first checks (within one inter, each up to the check timeout) have marked the standbys
 * down, whichever comes last. An op under way through haproxy-02 when the address moves is reset.
 */
function reinstallTerms(spec: TopologySpec): Term[] {
  const h = checksOf(spec);
  return [
    ["HAProxy and keepalived start", spec.margins.serverStartMs],
    slowest({ "keepalived takes the address back": bound(...masterDownTerms(spec, "haproxy-01")), "HAProxy's first checks": bound(["inter", h.interMs], ["check timeout", h.timeoutMs]) }),
  ];
}

function reinstallBound(spec: TopologySpec): Bound {
  return bound(...reinstallTerms(spec), ...measurement(spec));
}

/**
 * 6432 after the reinstall: PgBouncer looked haproxy-01's name up while it was gone and keeps that failure for
 * dns_nxdomain_ttl, then retries its login after server_login_retry; meanwhile haproxy-01 starts and its first
 * checks find the leader.
 */
function poolBackTerms(spec: TopologySpec): Term[] {
  const h = checksOf(spec);
  return [
    ["haproxy-01 starts", spec.margins.serverStartMs],
    ["PgBouncer's negative DNS cache (dns_nxdomain_ttl)", PGBOUNCER_DEFAULTS.dnsNxdomainTtlS * 1000],
    ["server_login_retry", pgbouncerOf(spec).serverLoginRetryS * 1000],
    ["HAProxy's first checks, within inter", h.interMs],
    ["check timeout", h.timeoutMs],
  ];
}

function poolBackBound(spec: TopologySpec): Bound {
  return bound(...poolBackTerms(spec), ...measurement(spec));
}

/**
 * The stack steady after the reinstall: haproxy-01 serving, and PgBouncer logging in again through it, which a
 * login that failed while haproxy-01 was gone holds back for server_login_retry (its verification queries through it).
 */
function recoveryTerms(spec: TopologySpec): Term[] {
  return [slowest({ "haproxy-01 reinstalled": bound(...reinstallTerms(spec)), "PgBouncer's pool back": bound(...poolBackTerms(spec)) })];
}

/** The seed's verification after the reinstall, on every port haproxy-01 serves. */
const VERIFIED: readonly VerifiedPort[] = ["5432", "5433", "6432", "6379", "5672"];

const PORTS = { "item-write": 5432, "pool-write": 6432, "redis-write": 6379, enqueue: 5672 } as const;

/**
 * Seed 002's disaster with its pair: haproxy-01 lost (SIGKILL: the server gone) while clients use the virtual IP
 * keepalived gives the pair (standing in for the seed's load balancer). haproxy-02 takes the address over within
 * VRRP's master-down interval and serves 5432 (the leader), 6379 (the Redis master) and 5672 (the RabbitMQ nodes)
 * from its own checks: "no complete downtime", measured per port. 6432 is the exception this layout has: PgBouncer pools to the leader
 * through haproxy-01:5432, so through haproxy-02 it answers but cannot reach the leader until haproxy-01 is back,
 * and then until its negative DNS cache lets the name go (its outage is counted, and must end within that bound). Then the disaster-recovery reinstall:
 * haproxy-01 starts from its saved configuration and, of the higher priority, takes the address back
 * (keepalived's preemption): clients may meet its first checks, within the reinstall's bound. Nothing
 * acknowledged is lost on any port.
 */
export default defineScenario({
  name: "haproxy-01-lost",
  fault: "kill haproxy-01 (SIGKILL) while clients use the pair's virtual IP; the disaster-recovery script reinstalls it",
  expected: "the virtual IP on haproxy-02 within VRRP's takeover; 5432, 6379 and 5672 served through it within that bound; 6432 back within the reinstall; haproxy-01 takes the address back (preemption) and serves within its first checks; no acknowledged write or confirmed message lost",
  topology: { composeProfiles: [DB_PROFILE, PAIR_PROFILE, REDIS_PROFILE, QUEUE_PROFILE] },
  mechanisms: [],
  mutants: [
    {
      name: "keepalived-advert-int-5",
      regression: "keepalived's adverts every 5 s, to quiet VRRP on the network: haproxy-02 takes the address over three missed adverts later",
      deploy: { nodes: ["haproxy-01", "haproxy-02"].map((name) => ({ name, kind: "generic", settings: { environment: { VRRP_ADVERT_INT: "5" } } })) },
    },
    haproxyMutant("haproxy-02-without-redis", "haproxy-02 configured before the Redis module was added (seed 002's module 4 is installed on haproxy-01 only), and without the RabbitMQ part after it: while it holds the address, 6379 and 5672 are refused", [{ find: designFrom("# Redis on 6379 for clients that do not speak Sentinel (seed 002's module 4): HAProxy sends them to the master"), replace: "\n" }], "haproxy-02"),
  ],
  phases: (spec) => ({
    faultMs: takeoverBound(spec).ms + OBSERVE_MS,
    afterMs: 1000,
    recovery: recoveryBound(spec, ...recoveryTerms(spec)),
  }),
  timeline: [
    { atMs: 0, action: "kill", target: "haproxy-01" },
    { atMs: "end", action: "heal: reinstall from the saved configuration", target: "haproxy-01" },
  ],
  async workload(ctx) {
    const vip = await virtualIp(ctx);
    ctx.observed.vip = vip;
    ctx.observed.holderBefore = await heldBy(ctx, vip);
    const spec = ctx.topology.spec;
    const probes = vipProbes(ctx, vip);
    return {
      probes,
      close: () => {
        for (const p of probes) p.close?.();
      },
      // Read once recovered, through haproxy-01 (the address is back on it): what the application finds.
      finalRead: async () => ({
        "item-write": await keysOnLeader(ctx, spec, keyPrefix(ctx, "item-write")),
        "pool-write": await keysOnLeader(ctx, spec, keyPrefix(ctx, "pool-write")),
        "redis-write": await redisKeys(ctx, keyPrefix(ctx, "redis-write")),
        enqueue: await drainedThroughHaproxy(ctx),
      }),
    };
  },
  async inject(ctx, observed) {
    const active = await holdFault(ctx, kill("haproxy-01"));
    observed.holderDuring = await vipHolder(ctx, String(observed.vip));
    return active;
  },
  async heal(ctx) {
    await reinstallHaproxy01(ctx);
  },
  async observe(ctx, observed) {
    observed.holderAfter = await vipHolder(ctx, String(observed.vip));
    observed.verification = await verification(ctx, VERIFIED);
  },
  checks(e) {
    const from = faultInForceAt(e);
    const reinstalled = e.journal.find((j) => j.f === "recreate")?.t ?? e.at.heal;
    const takeover = takeoverBound(e.spec);
    const back = reinstallBound(e.spec);
    const poolBound = poolBackBound(e.spec);
    const ops = (f: string) => e.ops.filter((o) => o.f === f);
    const failedBetween = (f: string, a: number, b: number) => ops(f).filter((o) => o.type !== "ok" && o.start >= a && o.start < b);
    // Served again through the virtual IP by haproxy-02: the first success after the kill, and none failing after the bound.
    const servedBy02 = (f: "item-write" | "redis-write" | "enqueue") => {
      const late = failedBetween(f, from + takeover.ms, reinstalled);
      return [
        failover(e.ops, { f, faultAt: from, bound: takeover, resolutionMs: e.intervalMs, label: "through the virtual IP (haproxy-02)" }),
        result(`${f} (port ${String(PORTS[f])}) not refused through haproxy-02 once it held the address`, late.length === 0, `${String(late.length)} failed between the takeover's bound and the reinstall; first: ${late[0]?.error ?? "-"}`, { lateFailures: late.length }),
      ];
    };
    // After the reinstall, haproxy-01 takes the address back: failures only within its start and first checks.
    const afterReinstall = (f: keyof typeof PORTS) => failedBetween(f, reinstalled + (f === "pool-write" ? poolBound.ms : back.ms), Infinity).length;
    const poolDown = failedBetween("pool-write", from, reinstalled);
    const poolBack = ops("pool-write").filter((o) => o.type === "ok" && o.start >= reinstalled).sort((a, b) => a.start - b.start)[0];
    const poolBackMs = poolBack ? poolBack.start - reinstalled : null;
    return [
      control("haproxy-01 held the virtual IP before the fault", e.observed.holderBefore === "haproxy-01", `held by ${String(e.observed.holderBefore)} (${String(e.observed.vip)})`),
      control("the loss was felt through the virtual IP: writes to 5432 failed", failedBetween("item-write", from, from + takeover.ms).length > 0, `${String(failedBetween("item-write", from, from + takeover.ms).length)} item-write did not succeed right after the kill`),
      result("haproxy-02 took the virtual IP over", e.observed.holderDuring === "haproxy-02", `held by ${String(e.observed.holderDuring)} at the end of the fault; takeover bound ${takeover.derivation}`),
      ...servedBy02("item-write"),
      ...servedBy02("redis-write"),
      ...servedBy02("enqueue"),
      result(
        "6432 (PgBouncer pools through haproxy-01:5432) back within the reinstall and PgBouncer's DNS cache",
        poolBackMs !== null && poolBackMs <= poolBound.ms,
        `${String(poolDown.length)} pool-write failed while haproxy-01 was gone (the layout's single point, documented); first served ${poolBackMs === null ? "never" : `${String(Math.round(poolBackMs))} ms`} after the reinstall asked; bound ${poolBound.derivation}`,
        { poolDownFailures: poolDown.length, backMs: poolBackMs === null ? null : Math.round(poolBackMs), boundMs: poolBound.ms },
      ),
      verificationResult(e.observed.verification, VERIFIED),
      result("haproxy-01 took the virtual IP back once reinstalled (keepalived's preemption)", e.observed.holderAfter === "haproxy-01", `held by ${String(e.observed.holderAfter)} after recovery`),
      result("once reinstalled and preempted, no write refused through the virtual IP past its bound", Object.keys(PORTS).every((f) => afterReinstall(f as keyof typeof PORTS) === 0), Object.keys(PORTS).map((f) => `${f} ${String(afterReinstall(f as keyof typeof PORTS))} failed`).join(", ") + `; bound ${back.derivation} (6432: ${String(poolBound.ms)} ms)`),
      ...Object.keys(PORTS).map((f) => lostWrites(e.ops, { f, present: e.finalRead[f] ?? null })),
      recoveredInTime(e),
    ];
  },
});
