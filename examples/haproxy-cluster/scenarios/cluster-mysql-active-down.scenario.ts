import { join } from "node:path";
import { bound, control, defineScenario, editedFile, failover, faultInForceAt, faultTimeline, healAskedAt, holdFault, kill, lostWrites, OBSERVE_MS, queryRows, recoveredInTime, recoveryBound, result, sessions, slowest } from "brownout";
import { ROOT } from "../kinds/mariadb/index.js";
import { EXAMPLE, failoverBound, seesUp } from "./bounds.js";
import { F, itemWrites, logInMany, serverStates, statusIn, userReads } from "./workload.js";

/** MASTER_CONNECT_RETRY of the nodes' replication (mysql/entrypoint.sh): mysql2 reconnects to mysql1 this often. */
const CONNECT_RETRY_MS = 1000;

/**
 * Seed 000: mysql1, the active server behind haproxy-db, killed. haproxy-db sends connections to mysql2 (backup)
 * once mysql1 fails its checks; mysql2 has every session and item (master-master replication from mysql1), so
 * DB-mode users keep their sessions and no acknowledged item is lost. mysql1 comes back, replicates what mysql2
 * took meanwhile, and takes the connections again.
 */
export default defineScenario({
  name: "cluster-mysql-active-down",
  fault: "kill mysql1 (SIGKILL); start it again",
  expected: "haproxy-db fails over to mysql2 within its bound; every DB session and acknowledged item kept",
  topology: {},
  mechanisms: [],
  mutants: [
    { name: "mysql2-not-replicating", regression: "setup-replication.sh did not run for mysql2 (the guide's \"Réplication MySQL cassée\"): the backup has none of mysql1's rows", deploy: { nodes: [{ name: "mysql2", kind: "mariadb", settings: { environment: { REPLICATE_FROM: "" } } }] } },
    { name: "haproxy-db-without-checks", regression: "haproxy-db's servers lost their `check` in an edit: mysql1 is never taken out, mysql2 never used", deploy: { nodes: [{ name: "haproxy-db", kind: "haproxy", settings: { volumes: [{ source: editedFile(join(EXAMPLE, "haproxy-db/haproxy.cfg"), { name: "haproxy-db-without-checks", regression: "haproxy-db's servers lost their `check` in an edit: mysql1 is never taken out, mysql2 never used" }, [{ find: "  default-server check inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions resolvers docker init-addr last,libc,none\n", replace: "  default-server resolvers docker init-addr last,libc,none\n" }]), target: "/usr/local/etc/haproxy/haproxy.cfg", readOnly: true }] } }] } },
  ],
  phases: (spec) => ({
    faultMs: failoverBound(spec, "haproxy-db").ms + OBSERVE_MS,
    afterMs: 1000,
    // From mysql1 started again: haproxy-db sees it up, and mysql2's replication from it reconnects.
    recovery: recoveryBound(spec, slowest({ "haproxy-db sees mysql1 up": seesUp(spec, "haproxy-db"), "mysql2 reconnects to mysql1": bound(["MASTER_CONNECT_RETRY", CONNECT_RETRY_MS]) })),
  }),
  timeline: faultTimeline(kill("mysql1"), "start again"),
  async workload(ctx) {
    const users = await logInMany(ctx, "d", 4, "index-db.php");
    const prefix = `${ctx.tag}-i`;
    return {
      probes: [...users.map((u) => userReads(ctx, u, F.db)), itemWrites(ctx, prefix), serverStates(ctx, "haproxy-db", 8405)],
      // Every acknowledged item must be on mysql1 or mysql2 (a write is acknowledged by one of them).
      finalRead: async () => {
        const on = async (node: string) => {
          const c = ctx.topology.node(node);
          const rows = await queryRows({ engine: "mysql", host: c.getHost(), port: c.getMappedPort(3306), ...ROOT }, "SELECT k FROM items WHERE k LIKE ?", [`${prefix}%`]);
          return rows.map((r) => String(r.k));
        };
        return { [F.item]: new Set([...(await on("mysql1")), ...(await on("mysql2"))]) };
      },
    };
  },
  inject: (ctx) => holdFault(ctx, kill("mysql1")),
  checks(e) {
    const from = faultInForceAt(e);
    const to = healAskedAt(e);
    const states = e.ops.filter((o) => o.f === F.states && o.type === "ok" && o.start > from && o.end < to);
    const down = states.filter((o) => statusIn(o.value?.note, "mysql/mysql1")?.startsWith("DOWN"));
    const writes = e.ops.filter((o) => o.f === F.item && o.type === "ok" && o.start > from && o.end < to);
    return [
      control("haproxy-db took mysql1 out while it was dead", down.length > 0, `${String(down.length)} of ${String(states.length)} stats reads during the fault say mysql1 is DOWN`),
      control("mysql2 served while mysql1 was dead", writes.length > 0, `${String(writes.length)} items acknowledged between the kill and the restart`),
      failover(e.ops, { f: F.item, faultAt: e.at.fault, bound: failoverBound(e.spec, "haproxy-db"), resolutionMs: e.intervalMs }),
      sessions(e.ops, { f: F.db, from: e.at.fault, settledAt: e.at.steadyAt ?? e.at.end }),
      lostWrites(e.ops, { f: F.item, present: e.finalRead[F.item] ?? null }),
      result("mysql1 back in service after its restart", e.ops.some((o) => o.f === F.states && o.type === "ok" && o.start > (e.at.steadyAt ?? Infinity) && statusIn(o.value?.note, "mysql/mysql1") === "UP"), "haproxy-db's stats after recovery"),
      recoveredInTime(e),
    ];
  },
});

