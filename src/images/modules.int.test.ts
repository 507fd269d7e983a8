import { connect } from "node:net";
import { MySqlContainer } from "@testcontainers/mysql";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import { RedisContainer } from "@testcontainers/redis";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { runLabels } from "../cluster/labels.js";
import { imageTag } from "./recipe-hash.js";

// The official testcontainers modules, unchanged, against our images: the entrypoints keep their contracts.
describe("testcontainers modules on our images", () => {
  it("PostgreSqlContainer", async () => {
    await using c = await new PostgreSqlContainer(imageTag("postgres"))
      .withLabels(runLabels("postgres"))
      .withDatabase("orders")
      .withUsername("carol")
      .withPassword("pw")
      .start();
    const client = new pg.Client({ connectionString: c.getConnectionUri() });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; who: string }>("SELECT current_database() AS db, current_user AS who");
      expect(rows).toEqual([{ db: "orders", who: "carol" }]);
    } finally {
      await client.end();
    }
  });

  it("MySqlContainer", async () => {
    await using c = await new MySqlContainer(imageTag("mysql"))
      .withLabels(runLabels("mysql"))
      .withDatabase("orders")
      .withUsername("dave")
      .withUserPassword("pw")
      .withRootPassword("rootpw")
      .start();
    // The module's own helper runs the mysql client inside the container.
    expect(await c.executeQuery("SELECT 1 AS one")).toMatch(/one\s+1/);
    const conn = await mysql.createConnection({ uri: c.getConnectionUri() });
    try {
      const [rows] = await conn.query("SELECT DATABASE() AS db, CURRENT_USER() AS who");
      expect(rows).toEqual([{ db: "orders", who: "dave@%" }]);
    } finally {
      await conn.end();
    }
    const root = await mysql.createConnection({ uri: c.getConnectionUri(true) });
    await root.end();
  });

  it("RedisContainer", async () => {
    await using c = await new RedisContainer(imageTag("redis")).withLabels(runLabels("redis")).withPassword("pw").start();
    const redis = new Redis(c.getConnectionUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
    // The module's password reached the server: a client without it is refused (a raw RESP exchange, since
    // ioredis itself would fail earlier, at its HELLO handshake).
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(c.getPort(), c.getHost(), () => socket.write("PING\r\n"));
      socket.once("data", (d) => {
        resolve(d.toString());
        socket.destroy();
      });
      socket.once("error", reject);
    });
    expect(reply).toMatch(/^-NOAUTH/);
  });
});
