import { join } from "node:path";
import { type ActiveFault, bound, control, type CookieJar, defineScenario, editedFile, httpLogin, injectFault, measurement, type Probe, recoveredInTime, recoveryBound, restart, result, type RunContext, SESSION_LOST, slowest } from "brownout";
import { EXAMPLE, seesUp } from "./bounds.js";
import { failedRequests, readsByUser } from "./users.js";
import { urlOf } from "./workload.js";

const F = "user-visit";
const WEB = ["web1", "web2", "web3"] as const;
/** How long the operator takes from the dashboard's switch to `docker-compose restart haproxy-web`. */
const OPERATOR_MS = 1000;

/**
 * A user on index.php, as a browser: it reads its page; when the page no longer knows it, the user logs in again
 * (one op, noted lost: the user felt it) and goes on with the new cookies.
 */
function visitor(ctx: RunContext, name: string, loggedIn: CookieJar): Probe {
  let jar = loggedIn;
  const page = () => `${urlOf(ctx, "haproxy-web", 8080)}/index.php`;
  return {
    name: `${F}-${name}@haproxy-web`,
    f: F,
    run: async (_seq, signal) => {
      try {
        const a = await ctx.http.call("GET", page(), { cookie: jar.header(), signal });
        jar.remember(a.setCookie);
        const node = typeof a.body.server === "string" ? a.body.server : undefined;
        if (a.status !== 200) return { type: "fail", value: { status: a.status, ...(node ? { node } : {}) }, error: `${String(a.status)} ${a.text.slice(0, 80)}` };
        if (a.body.user === name) return { type: "ok", value: { status: 200, ...(node ? { node } : {}) } };
        jar = (await httpLogin(ctx.http, { url: `${page()}?user=${name}&color=blue` })).jar;
        return { type: "fail", value: { status: 200, note: SESSION_LOST, ...(node ? { node } : {}) }, error: "the session was gone: logged in again" };
      } catch (e) {
        return { type: "fail", error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/**
 * Seed 000's mode switch as its guide prescribes it: in the dashboard, sessions go from the database to "sticky"
 * (local files), then `docker-compose restart haproxy-web` so its SRV cookie is on. What users feel, measured:
 * every user's session is in the old store, so each logs in again; until haproxy-web restarts, round robin
 * sends them to servers that do not have their new file session (lost again, bounded by the operator's delay and
 * the restart); the restart itself refuses requests for as long as HAProxy takes to stop and start, bounded. From then on, no user
 * is lost again, and users are spread over the three servers.
 */
export default defineScenario({
  name: "cluster-session-mode-switch",
  fault: "dashboard: session mode db → sticky on web1..web3 and haproxy-web; then restart haproxy-web",
  expected: "every user logs in again once the mode changes; failures only while haproxy-web restarts, within its bound; no session lost from the restart on; users spread over web1..web3",
  // The stack starts in DB mode.
  topology: { nodes: [...WEB.map((name) => ({ name, kind: "web", settings: { environment: { SESSION_MODE: "db" } } })), { name: "haproxy-web", kind: "haproxy", settings: { environment: { SESSION_MODE: "db" } } }] },
  mechanisms: [],
  mutants: [
    { name: "haproxy-web-ignores-dashboard", regression: "haproxy-web's entrypoint reads the mode from a file the dashboard no longer writes: the restart changes nothing, cookie SRV stays off", deploy: { nodes: [{ name: "haproxy-web", kind: "haproxy", settings: { environment: { MODE_FILE: "/etc/cluster/session_mode.old" } } }] } },
    { name: "haproxy-web-balance-source", regression: "`balance source` instead of round robin: every user behind one address lands on the same server", deploy: { nodes: [{ name: "haproxy-web", kind: "haproxy", settings: { volumes: [{ source: editedFile(join(EXAMPLE, "haproxy-web/haproxy.cfg.tmpl"), { name: "haproxy-web-balance-source", regression: "`balance source` instead of round robin: every user behind one address lands on the same server" }, [{ find: "  balance roundrobin\n", replace: "  balance source\n" }]), target: "/usr/local/etc/haproxy/haproxy.cfg.tmpl", readOnly: true }] } }] } },
  ],
  phases: (spec) => ({ faultMs: OPERATOR_MS + restartBound(spec).ms + cookieBound(spec).ms, afterMs: 2000, recovery: recoveryBound(spec, slowest({ "haproxy-web sees its servers up": seesUp(spec, "haproxy-web") })) }),
  timeline: [
    ...[...WEB, "haproxy-web"].map((target) => ({ atMs: 0, action: "session-mode sticky", target })),
    { atMs: OPERATOR_MS, action: "restart", target: "haproxy-web" },
    { atMs: "end", action: "heal: none (the new mode is the new steady state)", target: "haproxy-web" },
  ],
  async workload(ctx) {
    const users = Array.from({ length: 6 }, (_, i) => `${ctx.tag}-u${String(i)}`);
    const probes: Probe[] = [];
    for (const u of users) probes.push(visitor(ctx, u, (await httpLogin(ctx.http, { url: `${urlOf(ctx, "haproxy-web", 8080)}/index.php?user=${u}&color=blue` })).jar));
    return { probes };
  },
  async inject(ctx) {
    const steps: ActiveFault[] = [];
    for (const node of [...WEB, "haproxy-web"]) steps.push(await injectFault(ctx.topology, { kind: "operation", node, op: "session-mode", args: { mode: "sticky" } }));
    await ctx.hold(OPERATOR_MS);
    steps.push(await injectFault(ctx.topology, restart("haproxy-web")));
    await ctx.hold(Math.max(0, ctx.phases.faultMs - OPERATOR_MS));
    return steps;
  },
  checks(e) {
    // The dashboard's first switch (an operator's step; the restart after it is a fault of its own).
    const switchedAt = e.journal.find((j) => j.phase !== "heal")?.t ?? e.at.fault;
    // The restart as the journal has it (asked for, and done once HAProxy's wait passed): from the history alone.
    const restart = e.journal.find((j) => j.f === "restart");
    const restartAsked = restart?.t ?? e.at.heal;
    const restarted = restart ? restart.t + restart.durationMs : e.at.heal;
    const settled = restarted + cookieBound(e.spec).ms;
    const byUser = readsByUser(e.ops, F);
    const lostOnce = [...byUser.values()].filter((reads) => reads.some((o) => o.start >= switchedAt && o.value?.note === SESSION_LOST)).length;
    const lostLate = e.ops.filter((o) => o.f === F && o.value?.note === SESSION_LOST && o.start > settled);
    const failed = failedRequests(e.ops, [F], e.at.steady, e.at.end);
    const outside = failed.filter((o) => o.start < restartAsked || o.start > settled);
    const after = e.ops.filter((o) => o.f === F && o.type === "ok" && o.start > settled);
    const servers = new Set(after.map((o) => o.value?.node));
    return [
      control("the switch was felt: every user's session was in the old store", byUser.size > 0 && lostOnce === byUser.size, `${String(lostOnce)} of ${String(byUser.size)} users logged in again after the switch`),
      result("haproxy-web restarted within its bound", restarted - restartAsked <= restartBound(e.spec).ms, `${String(Math.round(restarted - restartAsked))} ms; bound ${restartBound(e.spec).derivation}`, { restartMs: Math.round(restarted - restartAsked) }),
      result("requests failed only while haproxy-web restarted", outside.length === 0, `${String(failed.length)} failed requests, ${String(outside.length)} outside the restart (until ${cookieBound(e.spec).derivation} after it)`, { failed: failed.length, outside: outside.length }),
      result("sticky from the restart on: no session lost again", after.length > 0 && lostLate.length === 0, `${String(lostLate.length)} sessions lost after the restart's bound, ${String(after.length)} reads answered`, { lostLate: lostLate.length }),
      result("users spread over the web servers", WEB.every((w) => servers.has(w)), `served after the restart by: ${[...servers].join(", ") || "none"}`),
      recoveredInTime(e),
    ];
  },
});

type Spec = Parameters<typeof seesUp>[0];

/** `docker restart haproxy-web`: HAProxy stops at once (hard-stop-after), then starts and passes its wait. */
function restartBound(spec: Spec) {
  return bound(["server start", spec.margins.serverStartMs], ...measurement(spec));
}

/**
 * From the restart until every user has its cookie: a user whose session was lost in the round-robin window
 * reads once more (one probe interval), logs in again and gets its SRV cookie with the answer.
 */
function cookieBound(spec: Spec) {
  return bound(["one more visit", spec.margins.probeIntervalMs], ...measurement(spec));
}
