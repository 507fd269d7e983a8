import { control, defineScenario, failover, faultInForceAt, faultTimeline, healAskedAt, holdFault, kill, OBSERVE_MS, recoveredInTime, recoveryBound, result, sessions, slowest, SESSION_LOST } from "brownout";
import { failoverBound, seesUp } from "./bounds.js";
import { names, same, usersLost } from "./users.js";
import { F, logInMany, userReads } from "./workload.js";

/**
 * Seed 000: web1 killed. In "sticky" mode a user's session lives in the files of the one server its SRV cookie
 * names, so the users pinned to web1 lose theirs (the documented weakness: exactly them, no one else); DB-mode
 * sessions (index-db.php) live in MariaDB and are all kept. HAProxy redispatches web1's users at once and takes
 * web1 out after its checks.
 */
export default defineScenario({
  name: "cluster-web-server-down",
  fault: "kill web1 (SIGKILL); start it again",
  expected: "sticky sessions of the users pinned to web1 lost, and only theirs; every DB session kept; requests served by web2/web3 within HAProxy's bound",
  topology: {},
  mechanisms: [],
  // A sticky user whose session went with web1 stays logged out (it would log in again): documented, measured above.
  changedForGood: (o) => o.f === F.sticky && o.value?.note === SESSION_LOST,
  mutants: [
    { name: "haproxy-web-without-cookie", regression: "haproxy-web runs its DB-mode configuration (no SRV cookie) while the web servers keep sticky sessions: the dashboard's switch without the restart, or the restart without the switch", deploy: { nodes: [{ name: "haproxy-web", kind: "haproxy", settings: { environment: { SESSION_MODE: "db" } } }] } },
    { name: "db-handler-not-shared", regression: "web/shared is not where the router looks for it (the guide's \"session_router.php introuvable\"): PHP silently keeps its files handler for DB-mode pages", deploy: { nodes: ["web1", "web2", "web3"].map((name) => ({ name, kind: "web", settings: { environment: { SHARED_DIR: "/var/www/shared-missing" } } })) } },
  ],
  phases: (spec) => ({
    faultMs: failoverBound(spec, "haproxy-web").ms + OBSERVE_MS,
    afterMs: 1000,
    // Measured from web1 started again (its wait passed): HAProxy then sees it up.
    recovery: recoveryBound(spec, slowest({ "haproxy-web sees web1 up": seesUp(spec, "haproxy-web") })),
  }),
  timeline: faultTimeline(kill("web1"), "start again"),
  async workload(ctx) {
    const sticky = await logInMany(ctx, "s", 6, "index.php");
    const db = await logInMany(ctx, "d", 3, "index-db.php");
    ctx.observed.pinned = Object.fromEntries(sticky.map((u) => [`${F.sticky}-${u.name}@haproxy-web`, u.server]));
    return { probes: [...sticky.map((u) => userReads(ctx, u, F.sticky)), ...db.map((u) => userReads(ctx, u, F.db))] };
  },
  inject: (ctx) => holdFault(ctx, kill("web1")),
  checks(e) {
    const pinned = e.observed.pinned as Record<string, string>;
    const onWeb1 = new Set(Object.entries(pinned).filter(([, s]) => s === "web1").map(([p]) => p));
    const lost = usersLost(e.ops, F.sticky, e.at.fault);
    const during = e.ops.filter((o) => o.f === F.sticky && onWeb1.has(o.process) && o.type !== "info" && o.start > faultInForceAt(e) && o.end < healAskedAt(e));
    return [
      control("the kill was felt: web1's users were answered by another server", during.length > 0 && during.every((o) => o.value?.node !== undefined && o.value.node !== "web1"), `${String(during.length)} reads of web1's users during the fault, served by ${[...new Set(during.map((o) => o.value?.node ?? "none"))].join(", ") || "none"}`),
      result("sticky sessions lost: exactly the users pinned to web1 (documented)", onWeb1.size > 0 && same(lost, onWeb1), `pinned to web1: ${names(onWeb1)}; lost: ${names(lost)}`, { pinnedToWeb1: onWeb1.size, lost: lost.size }),
      sessions(e.ops, { f: F.db, from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      // Redispatch may hide the kill from users altogether: the control above proves it was felt.
      failover(e.ops, { f: F.db, faultAt: e.at.fault, bound: failoverBound(e.spec, "haproxy-web"), resolutionMs: e.intervalMs, mustFeel: false }),
      recoveredInTime(e),
    ];
  },
});

