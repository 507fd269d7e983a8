import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import { Network } from "testcontainers";
import { Toxiproxy } from "toxiproxy-node-client";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { PORTS, nodeContainer } from "../cluster/containers.js";
import { until } from "../cluster/until.js";
import { dockerClient } from "./engine.js";

// Every image, started through testcontainers from our own tags, answering a real request.
describe("images", () => {
  it("postgres: applies POSTGRES_* and runs /docker-entrypoint-initdb.d", async () => {
    await using c = await nodeContainer("postgres")
      .withEnvironment({ POSTGRES_USER: "alice", POSTGRES_PASSWORD: "s3cr'et", POSTGRES_DB: "shop" })
      .withCopyFilesToContainer([
        { source: fileURLToPath(new URL("testdata/initdb.sql", import.meta.url)), target: "/docker-entrypoint-initdb.d/01.sql" },
      ])
      .start();
    const client = new pg.Client({
      host: c.getHost(),
      port: c.getMappedPort(PORTS.postgres),
      user: "alice",
      password: "s3cr'et",
      database: "shop",
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string; note: string }>("SELECT version() AS v, note FROM seeded WHERE id = 1");
      expect(rows[0]?.v).toMatch(/^PostgreSQL 15\./);
      expect(rows[0]?.note).toBe("from /docker-entrypoint-initdb.d");
      // The build-time spare role and database became alice and shop: nothing of them is left.
      const leftover = await client.query("SELECT 1 FROM pg_database WHERE datname = 'brownout_spare' UNION ALL SELECT 1 FROM pg_roles WHERE rolname = 'brownout_spare'");
      expect(leftover.rowCount).toBe(0);
    } finally {
      await client.end();
    }
    // The password is really checked: a wrong one is refused.
    const wrong = new pg.Client({ host: c.getHost(), port: c.getMappedPort(PORTS.postgres), user: "alice", password: "nope", database: "shop" });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it("postgres: the default user and database leave no spare behind", async () => {
    await using c = await nodeContainer("postgres").withEnvironment({ POSTGRES_PASSWORD: "pw" }).start();
    const client = new pg.Client({ host: c.getHost(), port: c.getMappedPort(PORTS.postgres), user: "postgres", password: "pw", database: "postgres" });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database ORDER BY datname");
      expect(rows.map((r) => r.datname)).toEqual(["postgres", "template0", "template1"]);
      const roles = await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'brownout_spare'");
      expect(roles.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  // Seeded: the replica starts from the image's own cluster and streams the primary's set-up; cloned: pg_basebackup.
  it.each(["image", "clone"] as const)("postgres: a replica (from %s) streams the primary's writes through its slot", async (from) => {
    await using network = await new Network().start();
    const repl = { BROWNOUT_PG_REPL_USER: "replicator", BROWNOUT_PG_REPL_PASSWORD: "repl" };
    await using primary = await nodeContainer("postgres")
      .withNetwork(network)
      .withNetworkAliases("pg-primary")
      .withEnvironment({ POSTGRES_PASSWORD: "pw", BROWNOUT_PG_SLOTS: "r1", ...repl })
      .start();
    await using replica = await nodeContainer("postgres")
      .withNetwork(network)
      .withEnvironment({
        BROWNOUT_PG_ROLE: "replica",
        BROWNOUT_PG_PRIMARY_HOST: "pg-primary",
        BROWNOUT_PG_APP_NAME: "pg-replica",
        BROWNOUT_PG_SLOT: "r1",
        BROWNOUT_PG_REPLICA_FROM: from,
        ...repl,
      })
      .start();
    const connect = async (port: number) => {
      const client = new pg.Client({ host: primary.getHost(), port, user: "postgres", password: "pw", database: "postgres" });
      client.on("error", () => undefined);
      await client.connect();
      return client;
    };
    const p = await connect(primary.getMappedPort(PORTS.postgres));
    // Deadline-bounded: a seeded replica has the primary's password once it has replayed the primary's set-up.
    const r = await until("the replica taking the primary's password", 10_000, () => connect(replica.getMappedPort(PORTS.postgres)));
    try {
      await p.query("CREATE TABLE t (id int); INSERT INTO t VALUES (42)");
      const { rows: senders } = await p.query<{ application_name: string; state: string }>("SELECT application_name, state FROM pg_stat_replication");
      expect(senders).toEqual([{ application_name: "pg-replica", state: "streaming" }]);
      const { rows: slots } = await p.query<{ slot_name: string; active: boolean }>("SELECT slot_name, active FROM pg_replication_slots");
      expect(slots).toEqual([{ slot_name: "r1", active: true }]);
      expect((await r.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r")).rows[0]?.r).toBe(true);
      // Deadline-bounded: replay is asynchronous.
      await expect.poll(async () => (await r.query("SELECT id FROM t").catch(() => ({ rows: [] }))).rows, { timeout: 10_000, interval: 50 }).toEqual([{ id: 42 }]);
      await expect(r.query("INSERT INTO t VALUES (1)")).rejects.toThrow(/read-only transaction/);
      // The entrypoint says which way the replica was made (frame headers aside, the engine's log is the text).
      const logs = (await dockerClient().getContainer(replica.getId()).logs({ stdout: true, stderr: true })).toString("latin1");
      expect(logs).toContain(from === "image" ? "from the image's cluster" : "cloning from pg-primary");
    } finally {
      await Promise.all([p.end(), r.end()]);
    }
  });

  it("mysql: MariaDB 10.11 with the MYSQL_* user, binlog and GTID on", async () => {
    await using c = await nodeContainer("mysql")
      .withEnvironment({ MYSQL_ROOT_PASSWORD: "root", MYSQL_DATABASE: "shop", MYSQL_USER: "bob", MYSQL_PASSWORD: "pw", BROWNOUT_MYSQL_SERVER_ID: "7" })
      .start();
    const conn = await mysql.createConnection({ host: c.getHost(), port: c.getMappedPort(PORTS.mysql), user: "bob", password: "pw", database: "shop" });
    try {
      const [rows] = await conn.query("SELECT VERSION() AS v, @@server_id AS id, @@log_bin AS bin, @@binlog_format AS fmt, @@gtid_domain_id AS dom");
      expect(rows).toEqual([{ v: expect.stringMatching(/^10\.11\.\d+-MariaDB/) as unknown, id: 7, bin: 1, fmt: "ROW", dom: 7 }]);
    } finally {
      await conn.end();
    }
  });

  it("redis: answers PING, and the image carries Sentinel", async () => {
    await using c = await nodeContainer("redis").start();
    const redis = new Redis({ host: c.getHost(), port: c.getMappedPort(PORTS.redis), lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe("PONG");
      expect((await redis.info("server")).match(/redis_version:(\d+)\./)?.[1]).toBe("7");
    } finally {
      redis.disconnect();
    }
    const sentinel = await c.exec(["redis-sentinel", "--version"]);
    expect(sentinel.exitCode).toBe(0);
    expect(sentinel.output).toMatch(/v=7\./);
  });

  it("haproxy: `haproxy -c` accepts the config, and the runtime API and stats answer", async () => {
    await using c = await nodeContainer("haproxy").start();
    const check = await c.exec(["haproxy", "-c", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]);
    expect(check.exitCode).toBe(0);
    expect(check.output).toMatch(/Configuration file is valid/);
    const info = await c.exec(["sh", "-c", "echo 'show info' | socat stdio /var/run/haproxy/admin.sock"]);
    expect(info.output).toMatch(/^Version: 2\.6\./m);
    const stats = await request(`http://${c.getHost()}:${c.getMappedPort(PORTS.haproxyStats)}/stats;csv`);
    expect(stats.statusCode).toBe(200);
    expect(await stats.body.text()).toMatch(/^# pxname,svname,/);
  });

  it("caddy: the admin API and the site answer", async () => {
    await using c = await nodeContainer("caddy").start();
    const base = `http://${c.getHost()}:${c.getMappedPort(PORTS.caddyAdmin)}`;
    const config = await request(`${base}/config/`);
    expect(config.statusCode).toBe(200);
    expect(await config.body.json()).toHaveProperty("apps.http.servers");
    const health = await request(`http://${c.getHost()}:${c.getMappedPort(PORTS.caddyHttp)}/health`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.text()).toBe("ok");
  });

  it("toxiproxy: /version answers and a proxy passes bytes, then adds the latency it is told", async () => {
    const LISTEN = 8666;
    await using c = await nodeContainer("toxiproxy").withExposedPorts(PORTS.toxiproxyApi, LISTEN).start();
    const api = `http://${c.getHost()}:${c.getMappedPort(PORTS.toxiproxyApi)}`;
    const version = await request(`${api}/version`);
    expect(version.statusCode).toBe(200);
    expect(await version.body.text()).toContain("2.12.0");

    // The proxy's upstream is Toxiproxy's own API: bytes in, the same bytes out, no other server needed.
    const toxiproxy = new Toxiproxy(api);
    const proxy = await toxiproxy.createProxy({ name: "self", listen: `0.0.0.0:${LISTEN}`, upstream: `127.0.0.1:${PORTS.toxiproxyApi}` });
    const through = `http://${c.getHost()}:${c.getMappedPort(LISTEN)}/version`;
    const direct = await (await request(through)).body.text();
    expect(direct).toContain("2.12.0");

    await proxy.addToxic({ name: "slow", type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 300, jitter: 0 } });
    const t0 = performance.now();
    await (await request(through)).body.text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
  });
});
