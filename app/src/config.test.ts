import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const base = { APP_COOKIE_SECRET: "a-secret-of-sixteen+", APP_SESSION_STORE: "memory" };

describe("loadConfig", () => {
  it("has defaults for every setting but the secret", () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ site: "gra", port: 8080, readPolicy: "fallback", cacheTtlS: 60, depTimeoutMs: 800, healthTimeoutMs: 800, bodyLimitBytes: 65536 });
    expect(loadConfig({ ...base, APP_DEP_TIMEOUT_MS: "5000", APP_HEALTH_TIMEOUT_MS: "1000" })).toMatchObject({ depTimeoutMs: 5000, healthTimeoutMs: 1000 });
    expect(c.redis).toBeNull();
  });

  it("reads test-only regressions and names the valid ones for an unknown one", () => {
    expect(loadConfig(base).testBugs.size).toBe(0);
    expect([...loadConfig({ ...base, APP_TEST_BUGS: "cache-no-ttl, no-dep-timeout" }).testBugs]).toEqual(["cache-no-ttl", "no-dep-timeout"]);
    expect(() => loadConfig({ ...base, APP_TEST_BUGS: "cache-no-ttl,typo" })).toThrow(/'typo' is not one of: cache-errors-fail-requests, /);
  });

  it("reads a dual write's second database and its acknowledgement policy", () => {
    const pg = { ...base, APP_PG_WRITE: "toxiproxy:16002" };
    expect(loadConfig(pg).postgres?.db2).toBeNull();
    expect(loadConfig({ ...pg, APP_PG_DB2: "pg-db2:5432" }).postgres?.db2).toEqual({ host: "pg-db2", port: 5432, ack: "any" });
    expect(loadConfig({ ...pg, APP_PG_DB2: "pg-db2:5432", APP_PG_DB2_ACK: "all" }).postgres?.db2?.ack).toBe("all");
    expect(() => loadConfig({ ...pg, APP_PG_DB2: "pg-db2:5432", APP_PG_DB2_ACK: "most" })).toThrow(/APP_PG_DB2_ACK='most' is not one of: any, all/);
    expect(() => loadConfig({ ...base, APP_PG_DB2: "pg-db2:5432" })).toThrow(/needs APP_PG_WRITE/);
  });

  it("reads addresses, the Sentinel list and the NAT map", () => {
    const c = loadConfig({
      ...base,
      APP_SITE: "sbg",
      APP_REDIS_SENTINELS: "sentinel-1:26379, sentinel-2:26379",
      APP_REDIS_NAT: "redis-1:6379=toxiproxy:16000",
      APP_PG_WRITE: "toxiproxy:16002",
      APP_MYSQL: "haproxy:3306",
    });
    expect(c.site).toBe("sbg");
    expect(c.redis?.sentinels).toEqual([
      { host: "sentinel-1", port: 26379 },
      { host: "sentinel-2", port: 26379 },
    ]);
    expect(c.redis?.natMap).toEqual({ "redis-1:6379": { host: "toxiproxy", port: 16000 } });
    expect(c.postgres?.read).toEqual({ host: "toxiproxy", port: 16002 });
    expect(c.mysql).toMatchObject({ host: "haproxy", port: 3306, database: "brownout" });
  });

  it("refuses what it cannot run with, naming the setting", () => {
    expect(() => loadConfig({})).toThrow(/APP_COOKIE_SECRET must be set/);
    expect(() => loadConfig({ ...base, APP_SITE: "bhs" })).toThrow(/APP_SITE='bhs' is not one of: gra, sbg/);
    expect(() => loadConfig({ ...base, APP_READ_POLICY: "eventual" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, APP_DEP_TIMEOUT_MS: "0" })).toThrow(/APP_DEP_TIMEOUT_MS='0' must be an integer from 50/);
    expect(() => loadConfig({ ...base, APP_PG_WRITE: "haproxy" })).toThrow(/APP_PG_WRITE: 'haproxy' is not host:port/);
    expect(() => loadConfig({ APP_COOKIE_SECRET: base.APP_COOKIE_SECRET })).toThrow(/APP_SESSION_STORE=redis needs APP_REDIS_SENTINELS/);
    expect(() => loadConfig({ ...base, APP_REDIS_SENTINELS: "s:1", APP_REDIS_NAT: "redis-1:6379" })).toThrow(/APP_REDIS_NAT/);
  });
});
