import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTS } from "../../cluster/containers.js";
import "../index.js";
import { type StartedTopology, startTopology } from "../../stack/index.js";
import { withRedis } from "../redis/sentinel.js";
import { SignallingClient } from "../../workload/signalling-client.js";

// The app under test against the real servers: gra reads strictly from the replica, sbg falls back to the
// primary, so one topology shows both policies. Faults here are Toxiproxy links of one site, healed per test.
let topology: StartedTopology;
let gra: string;
let sbg: string;
beforeAll(async () => {
  topology = await startTopology({ app: { readPolicy: { gra: "strict", sbg: "fallback" } } });
  const verified = await topology.verify({ withinMs: 10_000 });
  expect(verified.problems).toEqual([]);
  ({ gra, sbg } = topology.endpoints().apps);
});
afterAll(async () => {
  await topology[Symbol.asyncDispose]();
});

type Body = Record<string, unknown>;
async function call(url: string, init?: RequestInit): Promise<{ status: number; body: Body; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as Body, ms: performance.now() - t0 };
}
const post = (url: string, body: unknown) => call(url, { method: "POST", body: JSON.stringify(body) });
const put = (url: string, body: unknown) => call(url, { method: "PUT", body: JSON.stringify(body) });
const cached = (id: string) => withRedis(topology.node("redis-1"), PORTS.redis, (r) => r.get(`product:${id}`));

/** Reads until the replica has the product (a fresh write may not have replayed yet). */
async function readWhenReplicated(base: string, id: string): Promise<Body> {
  let last: { status: number; body: Body } | undefined;
  await expect.poll(async () => (last = await call(`${base}/products/${id}`)).status, { timeout: 5000, interval: 20 }).toBe(200);
  return last?.body ?? {};
}

describe("app: products with cache-aside", () => {
  it("misses to the replica, then hits the cache; a PUT invalidates and bumps the version", async () => {
    expect(await post(`${gra}/products`, { id: "p-cache", name: "chair", priceCents: 4900 })).toMatchObject({
      status: 201,
      body: { site: "gra", source: "primary", version: 1, updatedAt: expect.any(String) as unknown },
    });
    expect(await readWhenReplicated(gra, "p-cache")).toMatchObject({ source: "replica", version: 1 });
    expect((await call(`${sbg}/products/p-cache`)).body).toMatchObject({ site: "sbg", source: "cache", version: 1, name: "chair" });
    expect(await put(`${sbg}/products/p-cache`, { priceCents: 5100 })).toMatchObject({ status: 200, body: { version: 2, cache: "invalidated" } });
    expect(await cached("p-cache")).toBeNull();
    await expect.poll(async () => (await call(`${gra}/products/p-cache`)).body.version, { timeout: 5000, interval: 20 }).toBe(2);
    expect(JSON.parse((await cached("p-cache")) ?? "{}")).toMatchObject({ version: 2, priceCents: 5100 });
  });

  it("leaves nothing half-written: a refused write caches nothing", async () => {
    expect(await put(`${gra}/products/p-none`, { name: "x" })).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(await post(`${gra}/products`, { id: "p-cache", name: "dup", priceCents: 1 })).toMatchObject({ status: 409 });
    expect(await post(`${gra}/products`, { id: "bad id!", name: "x", priceCents: 1 })).toMatchObject({ status: 400 });
    expect(await post(`${gra}/products`, { id: "p-neg", name: "x", priceCents: -1 })).toMatchObject({ status: 400 });
    expect(await cached("p-none")).toBeNull();
  });

  it("strict fails a miss with 503 when the replica is unreachable, fallback reads the primary, hits still served", async () => {
    await post(`${gra}/products`, { id: "p-policy", name: "desk", priceCents: 100 });
    await readWhenReplicated(gra, "p-policy"); // now cached
    await post(`${gra}/products`, { id: "p-miss", name: "lamp", priceCents: 100 });
    const cut = await Promise.all([topology.toxic("app-gra-pg-read", { type: "down" }), topology.toxic("app-sbg-pg-read", { type: "down" })]);
    try {
      expect(await call(`${gra}/products/p-policy`)).toMatchObject({ status: 200, body: { source: "cache" } });
      const strict = await call(`${gra}/products/p-miss`);
      expect(strict).toMatchObject({ status: 503, body: { site: "gra", error: "dependency_unavailable" } });
      expect(String(strict.body.message)).toMatch(/^pg-read: /);
      expect(await call(`${sbg}/products/p-miss`)).toMatchObject({ status: 200, body: { site: "sbg", source: "primary", version: 1 } });
    } finally {
      for (const f of cut) await f.heal();
    }
  });

  it("serves reads from the database when Redis is cut (degraded, not failed)", async () => {
    await post(`${gra}/products`, { id: "p-noredis", name: "rug", priceCents: 100 });
    await readWhenReplicated(gra, "p-noredis");
    const cut = await topology.toxic("app-gra-redis", { type: "down" });
    try {
      expect(await call(`${gra}/products/p-noredis`)).toMatchObject({ status: 200, body: { source: "replica", degraded: true } });
      const health = await call(`${gra}/health`);
      expect(health).toMatchObject({ status: 200, body: { status: "degraded", dependencies: { redis: { state: "down" } } } });
      // A PUT commits on the primary but cannot delete the cached entry: it says so.
      expect(await put(`${gra}/products/p-noredis`, { name: "rug 2" })).toMatchObject({ status: 200, body: { version: 2, cache: "stale" } });
    } finally {
      await cut.heal();
    }
  });

  it("answers within the dependency timeout when a dependency stops answering", async () => {
    await post(`${gra}/products`, { id: "p-slow", name: "slow", priceCents: 1 });
    // `timeout` with 0 holds every byte: connections open, nothing ever answers.
    const hold = await topology.toxic("app-gra-pg-read", { type: "timeout", timeoutMs: 0 });
    try {
      const bound = topology.spec.timings.app.depTimeoutMs;
      const read = await call(`${gra}/products/p-slow`);
      expect(read.status).toBeGreaterThanOrEqual(503);
      expect(read.ms).toBeLessThan(bound + 300);
      const health = await call(`${gra}/health`);
      expect(health.body).toMatchObject({ status: "degraded", dependencies: { "pg-read": { state: "down" } } });
      expect(health.ms).toBeLessThan(bound + 300);
    } finally {
      await hold.heal();
    }
  });
});

describe("app: sessions", () => {
  it("keeps redis and mysql sessions across sites; a memory session is known only to its site", async () => {
    for (const store of ["redis", "mysql", "memory"] as const) {
      const res = await fetch(`${gra}/session`, { method: "POST", body: JSON.stringify({ name: `u-${store}`, store }) });
      expect(res.status).toBe(201);
      const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const there = await call(`${sbg}/session`, { headers: { cookie } });
      if (store === "memory") expect(there).toMatchObject({ status: 401, body: { site: "sbg", error: "session_unknown" } });
      else expect(there).toMatchObject({ status: 200, body: { site: "sbg", store, session: { name: `u-${store}`, createdSite: "gra" } } });
      expect(await call(`${gra}/session`, { headers: { cookie } })).toMatchObject({ status: 200 });
    }
  });
});

describe("app: items on the MariaDB pair", () => {
  it("creates, bumps the version, lists, reads and deletes", async () => {
    expect(await post(`${gra}/items`, { id: "i-1", value: "one" })).toMatchObject({ status: 201, body: { version: 1 } });
    expect(await post(`${sbg}/items`, { id: "i-1", value: "uno" })).toMatchObject({ status: 201, body: { version: 2, value: "uno" } });
    expect((await call(`${gra}/items`)).body.items).toContainEqual(expect.objectContaining({ id: "i-1", version: 2 }));
    expect(await call(`${sbg}/items/i-1`, { method: "DELETE" })).toMatchObject({ status: 200 });
    expect(await call(`${gra}/items/i-1`)).toMatchObject({ status: 404 });
  });
});

describe("app: WebSocket signalling", () => {
  it("rejoins after its site restarts; the room was not kept", async () => {
    const client = new SignallingClient({ url: `${gra.replace("http", "ws")}/ws`, room: "standup", peer: "ann", reconnectMs: 100 });
    try {
      expect(await client.start()).toMatchObject({ type: "joined", site: "gra", peers: ["ann"] });
      expect(await client.ping(1000)).toMatchObject({ type: "pong", site: "gra" });
      await topology.restart("app-gra");
      // The restarted site maps to a new host port: the client reconnects to the old address in vain, so this
      // test follows the container (a client behind Caddy reconnects to the same address).
      const moved = new SignallingClient({ url: `${topology.endpoints().apps.gra.replace("http", "ws")}/ws`, room: "standup", peer: "ann" });
      expect(await moved.start()).toMatchObject({ type: "joined", peers: ["ann"] });
      moved.close();
      // Steady again (Caddy routes to gra once its active check passes) before the next test starts.
      expect((await topology.verify({ withinMs: 10_000 })).problems).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("reconnects through Caddy when the site behind it goes, and lands on the other site", async () => {
    const caddy = topology.endpoints().caddy;
    const client = new SignallingClient({ url: `${caddy.replace("http", "ws")}/ws`, room: "retro", peer: "bob", reconnectMs: 100 });
    try {
      expect(await client.start()).toMatchObject({ site: "gra" });
      const stopped = await topology.stop("app-gra");
      try {
        const again = await client.rejoined(5000);
        expect(again).toMatchObject({ type: "joined", site: "sbg", peers: ["bob"] });
        expect(client.connects).toBeGreaterThanOrEqual(2);
      } finally {
        await stopped.heal();
      }
    } finally {
      client.close();
    }
    expect((await topology.verify({ withinMs: 10_000 })).problems).toEqual([]);
  });
});
