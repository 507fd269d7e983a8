import { join } from "node:path";
import { type ActiveFault, control, defineScenario, editedFile, injectFault, operation, recoveredInTime, recoveryBound, result, sessions, slowest, SESSION_LOST } from "brownout";
import { EXAMPLE, seesUp } from "./bounds.js";
import { failedRequests, names, same, usersLost } from "./users.js";
import { F, logInMany, serverStates, statusIn, userReads } from "./workload.js";

/** How long the operator leaves web1 in each state (the dashboard's buttons, one after the other). */
const STEP_MS = 2000;

/**
 * Seed 000's dashboard, "Actions runtime via les sockets admin HAProxy", under load: web1 set to drain (users
 * whose SRV cookie names it stay on it, no one new lands there), then maint (no one is sent to it: its sticky
 * users move, and lose their file sessions, the documented weakness, exactly them), then ready. No request fails.
 */
export default defineScenario({
  name: "cluster-web-drain",
  fault: "haproxy-web runtime API: web1 drain, then maint, then ready",
  expected: "no failed request; in drain web1 keeps its sticky users; in maint it serves no one and only its sticky users lose their sessions; DB sessions all kept",
  topology: {},
  mechanisms: [],
  // A sticky user whose session went with web1 stays logged out (it would log in again): documented, measured above.
  changedForGood: (o) => o.f === F.sticky && o.value?.note === SESSION_LOST,
  mutants: [
    { name: "haproxy-web-option-persist", regression: "`option persist` added \"so users keep their sessions\": a cookie naming web1 wins over its maintenance", deploy: { nodes: [{ name: "haproxy-web", kind: "haproxy", settings: { volumes: [{ source: editedFile(join(EXAMPLE, "haproxy-web/haproxy.cfg.tmpl"), { name: "haproxy-web-option-persist", regression: "`option persist` added \"so users keep their sessions\": a cookie naming web1 wins over its maintenance" }, [{ find: "  option redispatch\n", replace: "  option redispatch\n  option persist\n" }]), target: "/usr/local/etc/haproxy/haproxy.cfg.tmpl", readOnly: true }] } }] } },
    { name: "haproxy-web-without-cookie", regression: "haproxy-web runs its DB-mode configuration (no SRV cookie) while the web servers keep sticky sessions", deploy: { nodes: [{ name: "haproxy-web", kind: "haproxy", settings: { environment: { SESSION_MODE: "db" } } }] } },
  ],
  // Out of maintenance, web1 is back in service once its checks pass again.
  phases: (spec) => ({ faultMs: 2 * STEP_MS, afterMs: 1000, recovery: recoveryBound(spec, slowest({ "haproxy-web sees web1 up": seesUp(spec, "haproxy-web") })) }),
  timeline: [
    { atMs: 0, action: "set server web/web1 state drain", target: "haproxy-web" },
    { atMs: STEP_MS, action: "set server web/web1 state maint", target: "haproxy-web" },
    { atMs: "end", action: "heal: set server web/web1 state ready", target: "haproxy-web" },
  ],
  async workload(ctx) {
    const sticky = await logInMany(ctx, "s", 6, "index.php");
    const db = await logInMany(ctx, "d", 3, "index-db.php");
    ctx.observed.pinned = Object.fromEntries(sticky.map((u) => [`${F.sticky}-${u.name}@haproxy-web`, u.server]));
    return { probes: [...sticky.map((u) => userReads(ctx, u, F.sticky)), ...db.map((u) => userReads(ctx, u, F.db)), serverStates(ctx, "haproxy-web", 8404)] };
  },
  async inject(ctx) {
    const drain = await injectFault(ctx.topology, operation("haproxy-web", "set-state", { server: "web/web1", state: "drain" }));
    await ctx.hold(STEP_MS);
    const maint: ActiveFault = await injectFault(ctx.topology, operation("haproxy-web", "set-state", { server: "web/web1", state: "maint" }));
    await ctx.hold(STEP_MS);
    // maint's heal sets web1 ready; drain's is then a no-op repeat of it.
    return [maint, drain];
  },
  checks(e) {
    const pinned = e.observed.pinned as Record<string, string>;
    const onWeb1 = new Set(Object.entries(pinned).filter(([, s]) => s === "web1").map(([p]) => p));
    // The operator's steps as the journal has them: each in force once the admin socket answered.
    const [drainStep, maintStep] = e.journal.filter((j) => j.phase !== "heal");
    const drainFrom = drainStep ? drainStep.t + drainStep.durationMs : e.at.fault;
    const maintAt = maintStep?.t ?? e.at.heal;
    const maintIn = maintStep ? maintStep.t + maintStep.durationMs : maintAt;
    const readyAt = e.journal.find((j) => j.phase === "heal")?.t ?? e.at.heal;
    const reads = (from: number, to: number) => e.ops.filter((o) => (o.f === F.sticky || o.f === F.db) && o.type === "ok" && o.start > from && o.end < to);
    const drained = reads(drainFrom + e.intervalMs, maintAt).filter((o) => onWeb1.has(o.process));
    const inMaint = reads(maintIn, readyAt);
    const states = (from: number, to: number, want: string) => e.ops.some((o) => o.f === F.states && o.type === "ok" && o.start > from && o.end < to && statusIn(o.value?.note, "web/web1") === want);
    const failed = failedRequests(e.ops, [F.sticky, F.db], e.at.steady, e.at.end);
    const lost = usersLost(e.ops, F.sticky, e.at.fault);
    return [
      control("HAProxy's stats say web1 was in DRAIN, then in MAINT", states(drainFrom, maintAt, "DRAIN") && states(maintIn, readyAt, "MAINT"), "read from the stats page during each step"),
      result("no request failed", failed.length === 0, failed.length === 0 ? "every read answered" : `${String(failed.length)} failed: ${failed.slice(0, 3).map((o) => o.error ?? "").join("; ")}`, { failed: failed.length }),
      result("in drain, web1's sticky users stayed on web1", onWeb1.size > 0 && drained.length > 0 && drained.every((o) => o.value?.node === "web1"), `${String(drained.length)} reads of web1's users during drain, served by ${[...new Set(drained.map((o) => o.value?.node ?? "?"))].join(", ") || "none"}`),
      result("in maint, web1 served no one", inMaint.length > 0 && inMaint.every((o) => o.value?.node !== "web1"), `${String(inMaint.filter((o) => o.value?.node === "web1").length)} of ${String(inMaint.length)} reads during maint served by web1`),
      result("sticky sessions lost: exactly the users pinned to web1 (documented)", onWeb1.size > 0 && same(lost, onWeb1), `pinned to web1: ${names(onWeb1)}; lost: ${names(lost)}`, { pinnedToWeb1: onWeb1.size, lost: lost.size }),
      sessions(e.ops, { f: F.db, from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      recoveredInTime(e),
    ];
  },
});
