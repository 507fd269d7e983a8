import { type Bound, bound, control, defineScenario, failover, faultInForceAt, healAskedAt, faultThenHeal, holdFault, login, measurement, OBSERVE_MS, productRead, recoveredInTime, result, seedProducts, sessionRead, sessions, SignallingClient, targets, type TopologySpec, wsPing } from "../src/index.js";
import { MUTANTS } from "./mutants.js";

/** The WebSocket client's reconnect wait and ping timeout (the probe's own settings, stated once). */
const WS = { reconnectMs: 100, pingTimeoutMs: 500 };

/**
 * Until Caddy takes gra out: a request to the dead gra fails after one dial timeout, and passive health takes gra
 * out once max_fails requests have failed (at worst one after another); with lb_try_duration a failed dial is
 * retried on sbg one try interval later (the fast templates: users may see nothing at all).
 */
function caddyBound(spec: TopologySpec): Bound {
  const c = spec.timings.caddy;
  return bound(["dial timeout", c.dialTimeoutMs, "max_fails", c.maxFails], ["lb try interval", c.tryIntervalMs], ...measurement(spec));
}

/** A WebSocket lives on its one connection: it notices only when a ping goes unanswered, then reconnects. */
function wsBound(spec: TopologySpec): Bound {
  const c = spec.timings.caddy;
  return bound(["ping timeout", WS.pingTimeoutMs], ["client reconnect", WS.reconnectMs], ["dial timeout", c.dialTimeoutMs, "max_fails", c.maxFails], ["lb try interval", c.tryIntervalMs], ...measurement(spec));
}

/**
 * SIGKILL the gra site. Caddy (`lb_policy first`, active checks on /health, one failed request takes a site out)
 * sends users to sbg; sessions live in Redis and MariaDB, so they survive; WebSocket clients reconnect and land on
 * sbg, where gra's rooms do not exist (rooms are not migrated, as the app documents). When gra is back, new
 * traffic returns to it. Origin: the GRA/SBG meeting deployment behind Caddy (seed 003, "Test de failover").
 */
export default defineScenario({
  name: "site-gra-down",
  fault: "kill app-gra (SIGKILL); restart it",
  expected: "Caddy fails over to sbg within its bound; sessions kept; WebSocket clients reconnect; gra's rooms lost as documented; new traffic returns to gra after restart",
  topology: { app: { cacheTtlS: 2 } },
  mechanisms: ["caddy-failover", "app-settings"],
  mutants: [MUTANTS.sharedSessionsInMemory, MUTANTS.caddyRandomPolicy],
  // The kill is held past the WebSocket's bound (the longer), then sbg is watched. Traffic returns to gra only
  // when passive failures have aged out (fail_duration) and an active check has passed: the after window covers
  // both, and so does the recovery bound (verify() waits for Caddy to route to gra).
  phases: (spec) => {
    const c = spec.timings.caddy;
    return {
      faultMs: wsBound(spec).ms + OBSERVE_MS,
      afterMs: c.failDurationMs + c.healthIntervalMs + OBSERVE_MS,
      recoveryBoundMs: c.failDurationMs + c.healthIntervalMs + c.healthTimeoutMs,
    };
  },
  timeline: faultThenHeal("kill", "app-gra", "start again"),
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.gra, 4);
    const redis = await login(ctx, t.caddy, "redis", "site-redis");
    const mysql = await login(ctx, t.caddy, "mysql", "site-mysql");
    const ws = new SignallingClient({ url: `${t.caddy.url.replace("http", "ws")}/ws`, room: `${ctx.tag}-room`, peer: "ann", reconnectMs: WS.reconnectMs });
    const joined = await ws.start();
    ctx.observed.joinedSite = joined.site;
    return {
      probes: [
        productRead(ctx.http, t.caddy, keys),
        sessionRead(ctx.http, t.caddy, "redis", () => redis),
        sessionRead(ctx.http, t.caddy, "mysql", () => mysql),
        wsPing(ws, "caddy", WS.pingTimeoutMs),
      ],
      close: () => {
        ws.close();
      },
    };
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.kill("app-gra")),
  async observe(ctx, observed) {
    // The client's room lived on gra; gra restarted empty and the client now lives on sbg.
    const room = await ctx.http.call("GET", `${ctx.topology.endpoints().apps.gra}/rooms/${ctx.tag}-room`);
    observed.roomOnGra = room.status;
  },
  checks(e) {
    const b = caddyBound(e.spec);
    const ws = wsBound(e.spec);
    const pings = e.ops.filter((o) => o.f === "ws-ping" && o.type === "ok" && o.start > e.at.fault && o.start < e.at.heal);
    const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok");
    const before = reads.filter((o) => o.end < e.at.fault);
    const during = reads.filter((o) => o.start > faultInForceAt(e) && o.end < healAskedAt(e));
    const lastReads = reads.slice(-10);
    return [
      // Felt and moved: gra served every user before the kill (lb_policy first), sbg during it.
      control(
        "traffic on gra before the kill, on sbg during it",
        e.observed.joinedSite === "gra" && before.length > 0 && before.every((o) => o.value?.site === "gra") && during.length > 0 && during.every((o) => o.value?.site === "sbg"),
        `WebSocket joined on ${String(e.observed.joinedSite)}; reads before by ${[...new Set(before.map((o) => o.value?.site))].join(", ") || "none"}, during by ${[...new Set(during.map((o) => o.value?.site))].join(", ") || "none"}`,
      ),
      // lb_try_duration retries a read whose dial to gra failed on sbg, so users may see no failure at all: the
      // kill is proven by the traffic moving (the control above) and by the WebSocket, which must reconnect.
      // Without it (the seed's own block) reads do fail, and must recover within the bound.
      failover(e.ops, { f: "product-read", faultAt: e.at.fault, bound: b, resolutionMs: e.intervalMs, mustFeel: e.spec.timings.caddy.tryDurationMs === 0 }),
      failover(e.ops, { f: "ws-ping", faultAt: e.at.fault, bound: ws, resolutionMs: e.intervalMs }),
      sessions(e.ops, { from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      result("WebSocket clients reconnect to sbg", pings.some((p) => p.value?.site === "sbg"), `${String(pings.length)} pongs during the fault, sites: ${[...new Set(pings.map((p) => p.value?.site))].join(", ")}`),
      result("gra's rooms lost (not migrated, as documented)", e.observed.roomOnGra === 404, `GET /rooms on the restarted gra answered ${String(e.observed.roomOnGra)}`),
      result("new traffic returns to gra", lastReads.length > 0 && lastReads.every((o) => o.value?.site === "gra"), `last ${String(lastReads.length)} reads served by: ${lastReads.map((o) => o.value?.site ?? "?").join(",")}`),
      recoveredInTime(e),
    ];
  },
});
