import { failover } from "../src/assertions/availability.js";
import { sessions } from "../src/assertions/sessions.js";
import { defineScenario, faultThenHeal, holdFault, recoveredInTime } from "../src/scenario/define.js";
import { login, targets } from "../src/scenario/workloads.js";
import { sessionRead } from "../src/workload/probes.js";

const STORES = ["memory", "redis", "mysql"] as const;

const PHASES = { steadyMs: 2000, faultMs: 4000, afterMs: 1500, recoveryBoundMs: 10_000 };

/**
 * Users pinned to gra by HAProxy's SRV cookie lose that site (SIGKILL). HAProxy redispatches them to sbg: sessions
 * kept in gra's memory are gone (the documented cost of the memory store), those in Redis or MariaDB are not.
 * Origin: HAProxy cookie stickiness in front of web servers with local or shared session stores.
 */
export default defineScenario({
  name: "sticky-session-loss",
  fault: "kill app-gra, the site the SRV cookie pins; restart it",
  expected: "memory sessions lost (observed, as documented); redis and mysql sessions kept",
  topology: {},
  phases: PHASES,
  timeline: faultThenHeal(PHASES, "kill", "app-gra", "start again"),
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
  inject: (ctx) => holdFault(ctx, PHASES, () => ctx.topology.kill("app-gra")),
  checks(e) {
    const h = e.spec.timings.haproxy;
    const bound = h.interMs * h.fall + h.checkTimeoutMs + 1500;
    return [
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end, mustLose: ["memory"] }),
      failover(e.ops, { f: "session-read", faultAt: e.at.fault, boundMs: bound, resolutionMs: e.intervalMs, only: (p) => !p.includes("memory"), label: "(shared stores)" }),
      recoveredInTime(e),
    ];
  },
});
