import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTS } from "./containers.js";
import { withPg } from "./postgres-pair.js";
import { MASTER_NAME, withRedis } from "./redis-sentinel.js";
import { type StartedTopology, startTopology } from "./index.js";

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
    expect(result.facts.postgres).toMatchObject({ replication: "streaming", replayLagBytes: 0, primaryInRecovery: false, replicaInRecovery: true });
    expect(result.facts.redis?.sentinelMasters).toEqual(["redis-1", "redis-1", "redis-1"]);
    expect(result.facts.redis?.quorum).toMatch(/^OK 3 usable Sentinels/);
    expect(topology.startMs.postgres).toBeGreaterThan(0);
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
    expect(result.facts.redis?.nodes).toEqual({ "redis-1": { role: "slave", linkUp: true }, "redis-2": { role: "master", linkUp: null } });
  });

  it("rejects faults on roles, links and toxics that do not exist", async () => {
    await expect(topology.kill("mysql-1")).rejects.toThrow(/unknown role 'mysql-1'; roles are:/);
    await expect(topology.toxic("app-gra-redis", { type: "latency", latencyMs: 1 })).rejects.toThrow(/unknown link 'app-gra-redis'/);
    await expect(topology.toxic("pg-replication", { type: "jitter" })).rejects.toThrow(/unknown toxic type 'jitter'/);
    expect(topology.activeFaults).toEqual([]);
  });
});

describe("partial topology", () => {
  it("starts only the postgres slice and refuses faults on roles it lacks", async () => {
    await using pgOnly = await startTopology({ slices: ["postgres"] });
    expect((await pgOnly.verify()).problems).toEqual([]);
    await expect(pgOnly.kill("redis-1")).rejects.toThrow(/role 'redis-1' is not in this topology \(slices: postgres\)/);
  });
});
