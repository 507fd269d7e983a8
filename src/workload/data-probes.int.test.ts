import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedTestContainer } from "testcontainers";
import { PORTS, nodeContainer } from "../cluster/containers.js";
import { type SqlTarget, redisProbe, sqlProbe } from "./data-probes.js";
import { until } from "../cluster/until.js";

// The generic data probes against real servers: what an op is when the server answers, refuses, or is gone.
describe("SQL and Redis probes", { timeout: 120_000 }, () => {
  let postgres: StartedTestContainer;
  let redis: StartedTestContainer;
  let target: SqlTarget;
  const signal = () => AbortSignal.timeout(2000);

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([
      nodeContainer("postgres").withEnvironment({ POSTGRES_USER: "probe", POSTGRES_PASSWORD: "pw", POSTGRES_DB: "probe" }).start(),
      nodeContainer("redis").start(),
    ]);
    target = { engine: "postgres", host: postgres.getHost(), port: postgres.getMappedPort(PORTS.postgres), user: "probe", password: "pw", database: "probe" };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([postgres.stop({ remove: true }), redis.stop({ remove: true })]);
  });

  it("a SQL write is ok with its row's version; a refused one (a constraint) fails; a read of it is ok", async () => {
    const setup = sqlProbe({ f: "setup", target, classify: "write", statement: () => ({ sql: "CREATE TABLE kv (k text PRIMARY KEY, version int NOT NULL)" }) });
    expect((await setup.run(0, signal())).type).toBe("ok");
    const insert = sqlProbe({ f: "kv-insert", target, classify: "write", statement: (n) => ({ sql: "INSERT INTO kv VALUES ($1, $2) RETURNING version", params: [`k${String(n % 2)}`, n + 1], key: `k${String(n % 2)}` }) });
    expect(await insert.run(0, signal())).toMatchObject({ type: "ok", value: { key: "k0", version: 1 } });
    // The same key again: the server certainly refused it (unique violation, SQLSTATE 23505).
    expect(await insert.run(2, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/^23505/) as unknown });
    const read = sqlProbe({ f: "kv-read", target, classify: "read", statement: () => ({ sql: "SELECT version FROM kv WHERE k = $1", params: ["k0"], key: "k0" }) });
    expect(await read.run(0, signal())).toMatchObject({ type: "ok", value: { key: "k0", version: 1 } });
  });

  it("Redis commands are ok with their reply; a command the server rejects fails", async () => {
    const target = { host: redis.getHost(), port: redis.getMappedPort(PORTS.redis) };
    const incr = redisProbe({ f: "counter-incr", target, classify: "write", command: () => ({ args: ["INCR", "c"], key: "c" }), value: (r) => ({ version: Number(r) }) });
    expect(await incr.run(0, signal())).toMatchObject({ type: "ok", value: { key: "c", version: 1 } });
    const wrong = redisProbe({ f: "counter-read", target, classify: "read", command: () => ({ args: ["LPOP", "c"], key: "c" }) });
    expect(await wrong.run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/WRONGTYPE/) as unknown });
    incr.close();
    wrong.close();
  });

  it("a Redis probe keeps one connection, or opens one per op (as a PHP request does) and closes it", async () => {
    const target = { host: redis.getHost(), port: redis.getMappedPort(PORTS.redis) };
    const idOf = (o: { value?: { note?: string } }) => o.value?.note;
    const asId = (r: unknown) => ({ note: String(r) });
    const kept = redisProbe({ f: "client-id", target, classify: "read", command: () => ({ args: ["CLIENT", "ID"] }), value: asId });
    const perOp = redisProbe({ f: "client-id", target, classify: "read", command: () => ({ args: ["CLIENT", "ID"] }), value: asId, connection: "per-op" });
    const [k1, k2] = [await kept.run(0, signal()), await kept.run(1, signal())];
    expect(idOf(k1)).toBe(idOf(k2));
    const [p1, p2] = [await perOp.run(0, signal()), await perOp.run(1, signal())];
    expect(idOf(p1)).not.toBe(idOf(p2));
    kept.close();
    // The per-op connections are closed: the server lets them go (it sees the close a moment later).
    const list = redisProbe({ f: "clients", target, classify: "read", command: () => ({ args: ["CLIENT", "LIST"] }), value: (r) => ({ note: String(r) }), connection: "per-op" });
    const ids = [idOf(p1), idOf(p2)].map((id) => `id=${String(id)} `);
    await until("the per-op connections closed on the server", 2000, async () => {
      const clients = (await list.run(0, signal())).value?.note ?? "";
      return ids.some((id) => clients.includes(id)) ? undefined : true;
    });
  });

  it("with the server gone, a SQL write that cannot connect did nothing (fail), and so did a read", async () => {
    const gone: SqlTarget = { ...target, port: 1 };
    const write = sqlProbe({ f: "kv-insert", target: gone, classify: "write", statement: () => ({ sql: "INSERT INTO kv VALUES ('x', 1)", key: "x" }) });
    expect(await write.run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/ECONNREFUSED/) as unknown });
    // A Redis write whose own connection never came up was never sent either.
    const set = redisProbe({ f: "kv-set", target: { host: redis.getHost(), port: 1 }, classify: "write", command: () => ({ args: ["SET", "x", 1], key: "x" }), connection: "per-op" });
    expect(await set.run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/ECONNREFUSED/) as unknown });
  });
});
