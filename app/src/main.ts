import { ConfigError, loadConfig } from "./config.js";
import { MysqlDep } from "./deps/mysql.js";
import { PostgresDep } from "./deps/postgres.js";
import { RedisDep } from "./deps/redis.js";
import { ItemService } from "./items.js";
import { ProductService } from "./products.js";
import { SeedTables } from "./seed-tables.js";
import { createApp } from "./server.js";
import type { TestBug } from "./test-bugs.js";
import { MemorySessionStore, MysqlSessionStore, RedisSessionStore, type SessionStores } from "./sessions.js";

function start(): void {
  const config = loadConfig(process.env);
  const bug = (b: TestBug) => config.testBugs.has(b);
  if (config.testBugs.size > 0) process.stderr.write(`brownout app: TEST-ONLY regressions on: ${[...config.testBugs].join(", ")}\n`);
  const t = bug("no-dep-timeout") ? 0 : config.depTimeoutMs;
  const h = bug("no-dep-timeout") ? 0 : config.healthTimeoutMs;
  const redis = config.redis ? new RedisDep(config.redis, t, { noTtl: bug("cache-no-ttl"), direct: bug("redis-without-sentinel") }) : null;
  const pgWrite = config.postgres ? new PostgresDep("pg-write", config.postgres.write, config.postgres, t) : null;
  const pgRead = config.postgres ? new PostgresDep("pg-read", config.postgres.read, config.postgres, t) : null;
  const pgDb2 = config.postgres?.db2 ? new PostgresDep("pg-db2", config.postgres.db2, config.postgres, t) : null;
  const mysql = config.mysql ? new MysqlDep(config.mysql, t, bug("items-no-commit")) : null;
  const sharedInMemory = bug("shared-sessions-in-memory");
  const sessions: SessionStores = {
    memory: new MemorySessionStore(),
    ...(redis ? { redis: sharedInMemory ? new MemorySessionStore("redis") : new RedisSessionStore(redis) } : {}),
    ...(mysql ? { mysql: sharedInMemory ? new MemorySessionStore("mysql") : new MysqlSessionStore(mysql) } : {}),
  };
  const app = createApp(config, {
    products: pgWrite && pgRead ? new ProductService({ write: pgWrite, read: pgRead, redis }, config.readPolicy, config.cacheTtlS, config.site, config.testBugs) : null,
    items: mysql ? new ItemService(mysql) : null,
    seedTables: pgWrite ? new SeedTables(pgWrite, pgDb2, config.postgres?.db2?.ack ?? "any", config.site) : null,
    sessions,
    probes: {
      ...(redis ? { redis: () => redis.ping(h) } : {}),
      ...(pgWrite ? { "pg-write": () => pgWrite.ping(h) } : {}),
      ...(pgRead ? { "pg-read": () => pgRead.ping(h) } : {}),
      ...(pgDb2 ? { "pg-db2": () => pgDb2.ping(h) } : {}),
      ...(mysql ? { mysql: () => mysql.ping(h) } : {}),
    },
  });
  app.server.listen(config.port, () => {
    process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), site: config.site, msg: "listening", port: config.port, sessionStore: config.sessionStore, readPolicy: config.readPolicy })}\n`);
  });
  const stop = () => {
    app.drain();
    app.server.close();
    redis?.close();
    void Promise.allSettled([pgWrite?.close(), pgRead?.close(), pgDb2?.close(), mysql?.close()]).then(() => process.exit(0));
    // Open keep-alive and WebSocket connections would hold close() forever; exit within a bound.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

try {
  start();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`brownout app: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
