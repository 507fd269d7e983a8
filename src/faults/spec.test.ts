import { describe, expect, it } from "vitest";
import { activeFault } from "../cluster/fault-handle.js";
import { Nemesis } from "../scenario/nemesis.js";
import { History } from "../workload/history.js";
import { FAULT_KINDS, type FaultKindsListed, type FaultSpec, describeFault, diskFull, faultPhase, faultTarget, haproxyRestart, kill, loss, nemesisF, operation, partition, promote, recreate, sentinelFailover, setServer, toxic } from "./spec.js";

// A kind added to FaultSpec and not to FAULT_KINDS fails to compile here.
const listed: FaultKindsListed = true;

const EVERY: readonly FaultSpec[] = [
  kill("pg-primary"),
  { kind: "stop", role: "redis-2" },
  { kind: "pause", role: "sentinel-1" },
  { kind: "restart", role: "app-sbg" },
  partition(["mysql-1", "haproxy"], "mysql-2"),
  loss("redis-1", 30),
  diskFull("pg-primary"),
  operation("queue", "purge", { vhost: "/" }),
  toxic("app-redis", { type: "down" }),
  promote("pg-replica"),
  setServer("web", "app-gra", { state: "drain" }),
  sentinelFailover(),
  haproxyRestart([{ file: "haproxy", find: "a", replace: "b" }]),
  haproxyRestart(),
];

describe("faults as data", () => {
  it("every kind is listed, described, targeted and phased", () => {
    expect(listed).toBe(true);
    expect(new Set(EVERY.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    for (const f of EVERY) {
      expect(describeFault(f)).not.toBe("");
      expect(faultTarget(f)).not.toBe("");
    }
    expect(describeFault(diskFull("pg-primary"))).toBe("fill pg-primary's disk");
    expect(describeFault(diskFull("queue", "/var/lib/rabbitmq"))).toBe("fill queue's disk (/var/lib/rabbitmq)");
    expect(EVERY.filter((f) => faultPhase(f) === "operator").map((f) => f.kind)).toEqual(["operation", "promote", "operation", "operation", "operation", "recreate"]);
    expect(describeFault(operation("queue", "purge", { vhost: "/" }))).toBe('purge on queue {"vhost":"/"}');
    // A Sentinel's failover is its kind's operation, as data.
    expect(sentinelFailover()).toEqual({ kind: "operation", node: "sentinel-1", op: "failover" });
    // HAProxy's steps are its kind's operations; recreating from a declaration is the core's, for any kind's node.
    expect(haproxyRestart()).toEqual({ kind: "recreate", node: "haproxy" });
    expect(nemesisF(haproxyRestart())).toBe("recreate");
    // An operator's recreation may give the new container environment of its own: the journal says which.
    expect(recreate("haproxy-01", { environment: { HAPROXY_CONFIG: "/var/backups/haproxy.cfg" } })).toEqual({ kind: "recreate", node: "haproxy-01", environment: { HAPROXY_CONFIG: "/var/backups/haproxy.cfg" } });
    expect(describeFault(recreate("haproxy-01", { environment: { HAPROXY_CONFIG: "/var/backups/haproxy.cfg" } }))).toBe("recreate haproxy-01 from its declaration with HAPROXY_CONFIG=/var/backups/haproxy.cfg");
    expect(describeFault(recreate("haproxy-01"))).toBe("recreate haproxy-01 from its declaration");
    expect(haproxyRestart([{ file: "haproxy", find: "a", replace: "b" }])).toEqual({ kind: "operation", node: "haproxy", op: "edit", args: { edits: [{ file: "haproxy", find: "a", replace: "b" }] } });
    expect(setServer("web", "app-gra", { state: "drain" }, "haproxy-web")).toEqual({ kind: "operation", node: "haproxy-web", op: "set-server", args: { backend: "web", server: "app-gra", change: { state: "drain" } } });
    expect(nemesisF(setServer("web", "app-gra", { state: "drain" }))).toBe("operation");
  });

  it("the nemesis records a fault at the door as one step and its heal as another, in the spec's words", async () => {
    const history = new History();
    const nemesis = new Nemesis(history);
    let healed = false;
    const f = await nemesis.record(partition("pg-replica", "pg-primary"), () =>
      Promise.resolve(
        activeFault("cut", () => {
          healed = true;
          return Promise.resolve();
        }),
      ),
    );
    await f.heal();
    expect(healed).toBe(true);
    expect(nemesis.journal.map((j) => [j.phase, j.f, j.target, j.description, j.outcome])).toEqual([
      ["fault", "partition", "pg-replica, pg-primary", "partition pg-replica from pg-primary", "ok"],
      ["heal", "heal", "pg-replica, pg-primary", "heal: cut", "ok"],
    ]);
    // A step that throws is recorded as failed (info in the history), then rethrown.
    await expect(nemesis.record(promote("pg-replica"), () => Promise.reject(new Error("no standby")))).rejects.toThrow("no standby");
    expect(nemesis.journal.at(-1)).toMatchObject({ phase: "operator", f: "promote", outcome: "failed", error: "no standby" });
  });
});
