import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mysql from "mysql2/promise";
import pg from "pg";
import { PORTS } from "../cluster/containers.js";
import { PG_CREDENTIALS } from "../kinds/postgres/pair.js";
import { MYSQL_CREDENTIALS, mysqlNodeFacts, withMysql } from "../kinds/mariadb/pair.js";
import { withPg } from "../kinds/postgres/pair.js";
import { MASTER_NAME, withRedis } from "../kinds/redis/sentinel.js";
import { redisStateOf } from "../kinds/redis/state.js";
import { postgresStateOf } from "../kinds/postgres/state.js";
import { operation, setServer } from "../faults/spec.js";
import "../kinds/index.js";
import { haproxyOf } from "../kinds/haproxy/node.js";
import { type StartedTopology, startTopology } from "./index.js";
import { dockerClient } from "../images/engine.js";
import { mechanismControls } from "../scenario/controls.js";
import { runId } from "../cluster/labels.js";
import type { ToxicSpec } from "../kinds/toxiproxy/links.js";
import { queryRows } from "../workload/data-probes.js";
import { rowsByKey, sqlTarget } from "../scenario/workloads.js";
import { tempDir } from "../../test/temp-dir.js";

// One topology for the file; the tests run in order and each leaves it healed and steady.
let topology: StartedTopology;
beforeAll(async () => {
  topology = await startTopology();
});
afterAll(async () => {
  await topology[Symbol.asyncDispose]();
});

const sentinelMaster = () =>
  withRedis(topology.node("sentinel-2"), PORTS.sentinel, async (r) => ((await r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)) as string[])[0]);

/** Time from a commit on pg-primary until pg-replica returns the row. */
async function replicationDelayMs(id: number): Promise<number> {
  await withPg(topology.node("pg-primary"), (c) => c.query("INSERT INTO probe VALUES ($1)", [id]));
  const t0 = performance.now();
  await withPg(topology.node("pg-replica"), async (c) => {
    await expect.poll(async () => (await c.query("SELECT 1 FROM probe WHERE id = $1", [id])).rowCount, { timeout: 20_000, interval: 10 }).toBe(1);
  });
  return performance.now() - t0;
}

describe("topology", () => {
  it("starts in steady state: streaming caught up, one Redis master agreed by a Sentinel quorum", async () => {
    const result = await topology.verify();
    expect(result.problems).toEqual([]);
    expect(await postgresStateOf(topology)).toMatchObject({ replication: "streaming", replayLagBytes: 0, primaryInRecovery: false, replicaInRecovery: true });
    expect((await redisStateOf(topology)).sentinelMasters).toEqual(["redis-1", "redis-1", "redis-1"]);
    expect(topology.declaredNodes.filter((n) => n.kind.name === "sentinel").map((n) => n.declaration.name)).toEqual(["sentinel-1", "sentinel-2", "sentinel-3"]);
    expect(await mysqlNodeFacts(topology.node("mysql-1"))).toMatchObject({ io: "Yes", sql: "Yes", secondsBehind: 0 });
    expect(await mysqlNodeFacts(topology.node("mysql-2"))).toMatchObject({ io: "Yes", sql: "Yes", secondsBehind: 0 });
    expect(await haproxyOf(topology).serverStates()).toContainEqual(expect.objectContaining({ backend: "pg-write", server: "pg-primary", status: "UP" }));
    expect(topology.startMs.nodes).toBeGreaterThan(0);
  });

  it("replicates MariaDB both ways, with interleaved auto-increment ids", async () => {
    await withMysql(topology.node("mysql-1"), (c) => c.query("CREATE DATABASE app"));
    await withMysql(topology.node("mysql-1"), (c) => c.query("CREATE TABLE app.items (id int AUTO_INCREMENT PRIMARY KEY, origin varchar(10))"));
    await withMysql(topology.node("mysql-1"), (c) => c.query("INSERT INTO app.items (origin) VALUES ('one')"));
    // The table reaches mysql-2 by replication: write there only once it has arrived.
    await withMysql(topology.node("mysql-2"), async (c) => {
      await expect
        .poll(async () => Number((await c.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 'items'"))[0][0]?.n), { timeout: 10_000, interval: 20 })
        .toBe(1);
      await c.query("INSERT INTO app.items (origin) VALUES ('two')");
    });
    for (const role of ["mysql-1", "mysql-2"] as const) {
      await withMysql(topology.node(role), async (c) => {
        await expect
          .poll(async () => (await c.query<mysql.RowDataPacket[]>("SELECT id, origin FROM app.items ORDER BY origin"))[0], { timeout: 10_000, interval: 20 })
          .toEqual([
            { id: 1, origin: "one" },
            { id: 2, origin: "two" },
          ]);
      });
    }
    expect((await topology.verify()).problems).toEqual([]);
  });

  it("HAProxy sends pg-write to the primary and pg-read to the replica", async () => {
    const ask = async (frontend: "pg-write" | "pg-read") => {
      const client = new pg.Client({ ...haproxyOf(topology).endpoint(frontend), ...PG_CREDENTIALS });
      await client.connect();
      try {
        return (await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r;
      } finally {
        await client.end();
      }
    };
    expect(await ask("pg-write")).toBe(false);
    expect(await ask("pg-read")).toBe(true);
  });

  it("an operator puts a server in maintenance through the runtime API, and the heal puts it back", async () => {
    const fault = await topology.inject(setServer("pg-read", "pg-replica", { state: "maint" }));
    expect(await haproxyOf(topology).status("pg-read", "pg-replica")).toBe("MAINT");
    const result = await topology.verify({ withinMs: 0 });
    expect(result.problems).toContain("HAProxy pg-read/pg-replica is MAINT, expected UP");
    await fault.heal();
    expect((await topology.verify()).problems).toEqual([]);
    await expect(topology.inject(setServer("pg-read", "pg-nope", { state: "maint" }))).rejects.toThrow(/no server pg-read\/pg-nope; servers are: .*pg-read\/pg-replica/);
  });

  it("replicates a write on pg-primary to pg-replica, and a Redis write to redis-2", async () => {
    await withPg(topology.node("pg-primary"), (c) => c.query("CREATE TABLE probe (id int PRIMARY KEY)"));
    expect(await replicationDelayMs(1)).toBeLessThan(2000);
    await withRedis(topology.node("redis-1"), PORTS.redis, (r) => r.set("k", "v1"));
    await withRedis(topology.node("redis-2"), PORTS.redis, async (r) => {
      await expect.poll(() => r.get("k"), { timeout: 5000, interval: 20 }).toBe("v1");
    });
  });

  it("latency on pg-replication delays the replica by at least that much; healing restores steady state", async () => {
    const fault = await topology.toxic("pg-replication", { type: "latency", latencyMs: 600 });
    expect(await replicationDelayMs(2)).toBeGreaterThanOrEqual(550);
    await fault.heal();
    await fault.heal(); // a second heal is a no-op
    expect(await replicationDelayMs(3)).toBeLessThan(500);
    expect((await topology.verify()).problems).toEqual([]);
  });

  it("verify fails, saying why, while pg-replica is stopped (a negative control)", async () => {
    const fault = await topology.stop("pg-replica");
    const result = await topology.verify({ withinMs: 500 });
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/pg-replica replication is absent, not streaming|postgres: /);
    await fault.heal();
    expect((await topology.verify({ withinMs: 15_000 })).problems).toEqual([]);
    expect(await replicationDelayMs(4)).toBeLessThan(2000);
  });

  it("partition pg-replica from pg-primary: the replica falls behind, stays a standby, and catches up after the heal", async () => {
    const fault = await topology.partition("pg-replica", "pg-primary");
    await withPg(topology.node("pg-primary"), (c) => c.query("INSERT INTO probe VALUES (5)"));
    // Cut off: the row must not arrive while the partition holds (1.5 s, three times the healthy delay bound).
    await withPg(topology.node("pg-replica"), async (c) => {
      const deadline = performance.now() + 1500;
      while (performance.now() < deadline) {
        expect((await c.query("SELECT 1 FROM probe WHERE id = 5")).rowCount).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Never two primaries.
      expect((await c.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r).toBe(true);
    });
    expect((await topology.verify({ withinMs: 0 })).ok).toBe(false);
    await fault.heal();
    await withPg(topology.node("pg-replica"), async (c) => {
      await expect.poll(async () => (await c.query("SELECT 1 FROM probe WHERE id = 5")).rowCount, { timeout: 20_000, interval: 50 }).toBe(1);
    });
    expect((await topology.verify({ withinMs: 15_000 })).problems).toEqual([]);
  });

  it("kill the Redis master: Sentinel promotes redis-2; the old master rejoins as a replica", async () => {
    const fault = await topology.kill("redis-1");
    const t0 = performance.now();
    await expect.poll(sentinelMaster, { timeout: 20_000, interval: 50 }).toBe("redis-2");
    const failoverMs = performance.now() - t0;
    // Detection is down-after-milliseconds (1 s) plus the election; it cannot beat the first.
    expect(failoverMs).toBeGreaterThanOrEqual(topology.spec.timings.sentinel.downAfterMs - 100);
    await fault.heal();
    const result = await topology.verify({ withinMs: 20_000 });
    expect(result.problems).toEqual([]);
    expect((await redisStateOf(topology)).nodes).toEqual({ "redis-1": { role: "slave", linkUp: true }, "redis-2": { role: "master", linkUp: null } });
    // An operation the sentinel kind does not have names the ones it has.
    await expect(topology.inject(operation("sentinel-1", "promote"))).rejects.toThrow(/node sentinel-1 \(sentinel\) has no operation 'promote'; its operations are: failover/);
  });

  it("kill mysql-1: HAProxy sends MySQL clients to mysql-2 within its detection bound, and back when it returns; replication resumes both ways", async () => {
    const serverId = async () => {
      const conn = await mysql.createConnection({ ...haproxyOf(topology).endpoint("mysql"), ...MYSQL_CREDENTIALS, connectTimeout: 1000 });
      try {
        return (await conn.query<mysql.RowDataPacket[]>("SELECT @@server_id AS id"))[0][0]?.id as number;
      } finally {
        await conn.end();
      }
    };
    expect(await serverId()).toBe(1);
    const fault = await topology.kill("mysql-1");
    const t0 = performance.now();
    await expect.poll(() => serverId().catch(() => -1), { timeout: 10_000, interval: 50 }).toBe(2);
    const { interMs, fall } = topology.spec.timings.haproxy;
    // Down after `fall` failed checks `inter` apart, plus one check timeout; 1 s of slack for a loaded machine.
    expect(performance.now() - t0).toBeLessThan(interMs * (fall + 1) + topology.spec.timings.haproxy.checkTimeoutMs + 1000);
    await withMysql(topology.node("mysql-2"), (c) => c.query("INSERT INTO app.items (origin) VALUES ('during')"));
    await fault.heal();
    expect((await topology.verify({ withinMs: 20_000 })).problems).toEqual([]);
    await withMysql(topology.node("mysql-1"), async (c) => {
      const [rows] = await c.query<mysql.RowDataPacket[]>("SELECT origin FROM app.items WHERE origin = 'during'");
      expect(rows).toHaveLength(1);
    });
    await expect.poll(() => serverId(), { timeout: 10_000, interval: 50 }).toBe(1);
  });

  it("pause pg-replica: HAProxy's pg-read check times out and marks it DOWN; unpause brings it back", async () => {
    const fault = await topology.pause("pg-replica");
    await expect.poll(() => haproxyOf(topology).status("pg-read", "pg-replica"), { timeout: 10_000, interval: 50 }).toBe("DOWN");
    await fault.heal();
    expect((await topology.verify({ withinMs: 15_000 })).problems).toEqual([]);
  });

  it("kill haproxy: every frontend is gone; recreating it from its saved config restores them", async () => {
    const configOf = async () => ((await topology.mechanisms()).nodes?.haproxy as { config?: string } | undefined)?.config;
    const before = haproxyOf(topology);
    const config = await configOf();
    await topology.kill("haproxy");
    const refused = new pg.Client({ ...before.endpoint("pg-write"), ...PG_CREDENTIALS, connectionTimeoutMillis: 1000 });
    await expect(refused.connect()).rejects.toThrow();
    await topology.recreate("haproxy");
    expect(haproxyOf(topology).container.getId()).not.toBe(before.container.getId());
    expect(await configOf()).toBe(config);
    expect((await topology.verify({ withinMs: 15_000 })).problems).toEqual([]);
    const client = new pg.Client({ ...haproxyOf(topology).endpoint("pg-write"), ...PG_CREDENTIALS });
    await client.connect();
    try {
      expect((await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r).toBe(false);
    } finally {
      await client.end();
    }
  });

  it("reads any table's rows by key as a team's own user on its own database (sqlTarget, rowsByKey)", async () => {
    await withPg(topology.node("pg-primary"), async (c) => {
      await c.query("CREATE ROLE team LOGIN PASSWORD 'team-secret'");
      await c.query("CREATE DATABASE shop OWNER team");
    });
    const target = sqlTarget(topology, "pg-primary", { engine: "postgres", port: PORTS.postgres, user: "team", password: "team-secret", database: "shop" });
    await queryRows(target(), "CREATE TABLE orders (ref text PRIMARY KEY, qty int)");
    await queryRows(target(), "INSERT INTO orders VALUES ('run1-a', 1), ('run1-b', 2), ('other', 3)");
    const rows = await rowsByKey(target(), { table: "orders", key: "ref", prefix: "run1-" });
    expect([...(rows ?? new Map()).entries()]).toEqual([
      ["run1-a", JSON.stringify(["run1-a", 1])],
      ["run1-b", JSON.stringify(["run1-b", 2])],
    ]);
    expect(await rowsByKey({ ...target(), password: "wrong" }, { table: "orders", key: "ref", prefix: "run1-" })).toBeNull();
  });

  it("names each container after its run and role, and publishes every port on loopback only", async () => {
    for (const role of ["pg-primary", "haproxy", "toxiproxy", "caddy", "redis-1"]) {
      const info = (await dockerClient().getContainer(topology.node(role).getId()).inspect()) as {
        Name: string;
        HostConfig: { PortBindings: Record<string, { HostIp: string }[]> };
      };
      expect(info.Name).toMatch(new RegExp(`^/brownout-${runId()}-[0-9a-f]{6}-${role}$`));
      const ips = Object.values(info.HostConfig.PortBindings).flat().map((b) => b.HostIp);
      expect(ips.length, role).toBeGreaterThan(0);
      expect(new Set(ips), role).toEqual(new Set(["127.0.0.1"]));
    }
  });

  it("reads the mechanisms back from the running servers as the spec configured them", async () => {
    const m = await topology.mechanisms();
    const controls = mechanismControls(m, topology.spec, ["sentinel", "haproxy-checks", "pg-streaming", "caddy-failover", "app-settings", "mysql-replication"]);
    expect(controls.filter((c) => c.valid !== true).map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
  });

  it("collects every container's log for a report", async () => {
    const dir = tempDir("logs");
    const paths = await topology.collectLogs(dir);
    expect(paths.map((p) => p.slice(dir.length + 1)).sort()).toEqual(
      ["app-gra", "app-sbg", "caddy", "haproxy", "mysql-1", "mysql-2", "pg-primary", "pg-replica", "redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3", "toxiproxy"].map(
        (r) => `${r}.log`,
      ),
    );
    expect(await readFile(join(dir, "pg-primary.log"), "utf8")).toMatch(/database system is ready to accept connections/);
    expect(await readFile(join(dir, "sentinel-1.log"), "utf8")).toMatch(/\+monitor master brownout redis-1/);
  });

  it("rejects faults on roles, links and toxics that do not exist", async () => {
    await expect(topology.kill("app-bhs")).rejects.toThrow(/unknown role 'app-bhs'; roles are:/);
    await expect(topology.toxic("app-gra-redis-3", { type: "latency", latencyMs: 1 })).rejects.toThrow(/unknown link 'app-gra-redis-3'; links are: pg-replication, .*; groups are: app-gra-redis/);
    await expect(topology.toxic("pg-replication", { type: "jitter" } as unknown as ToxicSpec)).rejects.toThrow(/unknown toxic type 'jitter'/);
    await expect(topology.partition("pg-primary", "pg-primary")).rejects.toThrow(/cannot partition pg-primary from itself/);
    expect(topology.activeFaults).toEqual([]);
  });
});

describe("partial topology", () => {
  it("starts only the postgres slice; after the primary dies, promoting the replica moves pg-write to it", async () => {
    await using pgOnly = await startTopology({ slices: ["postgres"] });
    expect((await pgOnly.verify()).problems).toEqual([]);
    await expect(pgOnly.kill("redis-1")).rejects.toThrow(/role 'redis-1' is not in this topology \(slices: postgres\)/);

    await pgOnly.kill("pg-primary");
    await expect.poll(() => haproxyOf(pgOnly).status("pg-write", "pg-primary"), { timeout: 10_000, interval: 50 }).toBe("DOWN");
    await pgOnly.promote("pg-replica");
    await expect.poll(() => haproxyOf(pgOnly).status("pg-write", "pg-replica"), { timeout: 10_000, interval: 50 }).toBe("UP");
    const client = new pg.Client({ ...haproxyOf(pgOnly).endpoint("pg-write"), ...PG_CREDENTIALS });
    await client.connect();
    try {
      await client.query("CREATE TABLE after_promotion (id int)");
      expect((await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r).toBe(false);
    } finally {
      await client.end();
    }
    // No longer redundant, and verify says so.
    expect((await pgOnly.verify({ withinMs: 0 })).ok).toBe(false);
  });
});
