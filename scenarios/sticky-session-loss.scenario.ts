import { bound, control, defineScenario, failover, faultInForceAt, healAskedAt, faultThenHeal, haproxySeesUp, holdFault, login, OBSERVE_MS, recoveredInTime, recoveryBound, sessionRead, sessions, slowest, targets } from "../src/index.js";
import { haproxyDetection } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

const STORES = ["memory", "redis", "mysql"] as const;

/**
 * Users pinned to gra by HAProxy's SRV cookie lose that site (SIGKILL). HAProxy redispatches them to sbg: sessions
 * kept in gra's memory are gone (the documented cost of the memory store), those in Redis or MariaDB are not.
 * Origin: HAProxy cookie stickiness in front of web servers with local or DB sessions (seed 000).
 */
export default defineScenario({
  name: "sticky-session-loss",
  fault: "kill app-gra, the site the SRV cookie pins; restart it",
  expected: "memory sessions lost (observed, as documented); redis and mysql sessions kept",
  topology: {},
  mechanisms: ["haproxy-checks", "app-settings"],
  mutants: [MUTANTS.sharedSessionsInMemory, MUTANTS.haproxyPersist],
  // Memory sessions are lost for good with gra's process: after recovery they stay lost, as documented.
  changedForGood: (o) => o.f === "session-read" && o.process.includes("memory"),
  // Held past the failover bound, then sbg is watched serving the shared sessions.
  phases: (spec) => ({ faultMs: haproxyDetection(spec).ms + OBSERVE_MS, afterMs: 1500, recovery: recoveryBound(spec, slowest({ "HAProxy sees app-gra up": haproxySeesUp(spec), "Caddy's next active check": bound(["health_interval", spec.timings.caddy.healthIntervalMs], ["health_timeout", spec.timings.caddy.healthTimeoutMs]) })) }),
  timeline: faultThenHeal("kill", "app-gra", "start again"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const probes = [];
    for (const store of STORES) {
      for (const n of [1, 2]) {
        // SRV=gra pins the login and every read after it to gra.
        const cookie = await login(ctx, t.haproxy, store, `${store}-${String(n)}`, "SRV=gra");
        probes.push({ ...sessionRead(ctx.http, t.haproxy, store, () => cookie), name: `session-${store}-${String(n)}@haproxy` });
      }
    }
    return { probes };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.kill("app-gra")),
  checks(e) {
    // Each request pinned to the dead gra is redispatched to sbg on its retry; whatever redispatch misses, gra's
    // health check takes it out after `fall` failed checks.
    const b = haproxyDetection(e.spec);
    const reads = e.ops.filter((o) => o.f === "session-read" && o.type === "ok");
    const before = reads.filter((o) => o.end < e.at.fault);
    const during = reads.filter((o) => o.start > faultInForceAt(e) && o.end < healAskedAt(e));
    return [
      control(
        "pinned to gra before the kill, served by sbg during it",
        before.length > 0 && before.every((o) => o.value?.site === "gra") && during.length > 0 && during.every((o) => o.value?.site === "sbg"),
        `sessions read before by ${[...new Set(before.map((o) => o.value?.site))].join(", ") || "none"}, during by ${[...new Set(during.map((o) => o.value?.site))].join(", ") || "none"}`,
      ),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end, mustLose: ["memory"] }),
      // HAProxy may hide the kill from shared-store users altogether: a request it sent on a reused connection to
      // the dead gra is answered by closing the user's connection, which a browser (and the probe) sends again,
      // and the retry is redispatched to sbg. Measured so under production timings. The fault is proven by the
      // control above (users moved to sbg) and by the memory sessions lost; what does fail must recover in time.
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs, only: (p) => !p.includes("memory"), label: "(shared stores)", mustFeel: false }),
      recoveredInTime(e),
    ];
  },
});
