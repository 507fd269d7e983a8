import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { loadConfig } from "./config.js";
import { type App, createApp } from "./server.js";
import { MemorySessionStore } from "./sessions.js";

// The app with no databases configured: what it does with the requests themselves (routing, bodies, cookies,
// rooms). Its behaviour against real Redis, Postgres and MariaDB is tested in src/cluster/app.int.test.ts.
let app: App;
let base: string;

beforeAll(async () => {
  const config = loadConfig({ APP_COOKIE_SECRET: "0123456789abcdef", APP_SESSION_STORE: "memory", APP_SITE: "sbg", APP_BODY_LIMIT_BYTES: "1024", APP_LOG_REQUESTS: "false" });
  app = createApp(config, { products: null, items: null, sessions: { memory: new MemorySessionStore() }, probes: {} });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  app.server.closeAllConnections();
  await new Promise((resolve) => app.server.close(resolve));
});

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe("app HTTP", () => {
  it("answers /health with its site", async () => {
    expect(await json("/health")).toMatchObject({ status: 200, body: { site: "sbg", status: "ok" } });
  });

  it("turns client mistakes into 4xx with a JSON error, never 500", async () => {
    const post = (path: string, body: string) => json(path, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(await post("/session", "{not json")).toMatchObject({ status: 400, body: { error: "bad_request", site: "sbg" } });
    expect(await post("/session", "[1,2]")).toMatchObject({ status: 400, body: { message: "body must be a JSON object" } });
    expect(await post("/session", JSON.stringify({ name: 42 }))).toMatchObject({ status: 400, body: { message: expect.stringMatching(/'name'/) as unknown } });
    expect(await post("/session", JSON.stringify({ name: "x".repeat(2000) }))).toMatchObject({ status: 413, body: { error: "payload_too_large" } });
    expect(await post("/session", JSON.stringify({ name: "a", store: "disk" }))).toMatchObject({ status: 400, body: { message: expect.stringMatching(/memory, redis, mysql/) as unknown } });
    expect(await post("/session", JSON.stringify({ name: "a", store: "redis" }))).toMatchObject({ status: 400, body: { error: "store_not_configured" } });
    expect(await json("/nowhere")).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(await json("/health", { method: "DELETE" })).toMatchObject({ status: 405, body: { error: "method_not_allowed" } });
    expect(await json("/rooms/%E0%A4%A")).toMatchObject({ status: 404 });
    expect(await json("/rooms/bad id")).toMatchObject({ status: 400 });
    expect(await json("/products/p1")).toMatchObject({ status: 503, body: { error: "not_configured" } });
    expect(await json("/items?limit=0")).toMatchObject({ status: 400 });
  });

  it("keeps a memory session by its signed cookie, and forgets it on DELETE", async () => {
    const made = await json("/session", { method: "POST", body: JSON.stringify({ name: "ann", store: "memory" }) });
    expect(made).toMatchObject({ status: 201, body: { store: "memory", session: { name: "ann", createdSite: "sbg" } } });
    const cookie = (made.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^brownout\.sid=memory\./);
    const who = await json("/session", { headers: { cookie, "x-forwarded-for": "203.0.113.9, 10.0.0.1" } });
    expect(who).toMatchObject({ status: 200, body: { site: "sbg", session: { name: "ann" }, client: "203.0.113.9" } });
    expect(await json("/session", { headers: { cookie: `${cookie}x` } })).toMatchObject({ status: 401, body: { error: "no_session" } });
    expect(await json("/session", { method: "DELETE", headers: { cookie } })).toMatchObject({ status: 200, body: { deleted: true } });
    expect(await json("/session", { headers: { cookie } })).toMatchObject({ status: 401, body: { error: "session_unknown" } });
  });

  it("sets a session's notes one by one and returns them when asked", async () => {
    const made = await json("/session", { method: "POST", body: JSON.stringify({ name: "cy", store: "memory" }) });
    const cookie = String(made.headers.get("set-cookie")).split(";")[0] ?? "";
    expect(await json("/session/notes/n1", { method: "PUT", body: JSON.stringify({ value: "a" }), headers: { cookie } })).toMatchObject({ status: 200, body: { key: "n1", value: "a" } });
    expect(await json("/session/notes/n2", { method: "PUT", body: JSON.stringify({ value: "b" }), headers: { cookie } })).toMatchObject({ status: 200 });
    expect(await json("/session?notes=1", { headers: { cookie } })).toMatchObject({ status: 200, body: { notes: { n1: "a", n2: "b" } } });
    expect((await json("/session", { headers: { cookie } })).body).not.toHaveProperty("notes");
    expect(await json("/session/notes/n3", { method: "PUT", body: JSON.stringify({ value: "c" }) })).toMatchObject({ status: 401 });
    expect(await json("/session/notes/bad%20key", { method: "PUT", body: JSON.stringify({ value: "c" }), headers: { cookie } })).toMatchObject({ status: 400 });
  });

  it("marks the session cookie Secure when the proxy says the client used https", async () => {
    const made = await json("/session", { method: "POST", body: JSON.stringify({ name: "bo", store: "memory" }), headers: { "x-forwarded-proto": "https" } });
    expect(made.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("drains: /health turns 503 so proxies move users away", async () => {
    const other = createApp(loadConfig({ APP_COOKIE_SECRET: "0123456789abcdef", APP_SESSION_STORE: "memory", APP_LOG_REQUESTS: "false" }), {
      products: null,
      items: null,
      sessions: {},
      probes: {},
    });
    await new Promise<void>((resolve) => other.server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${String((other.server.address() as AddressInfo).port)}/health`;
    other.drain();
    expect((await fetch(url)).status).toBe(503);
    other.server.closeAllConnections();
    await new Promise((resolve) => other.server.close(resolve));
  });
});

function socket(): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws`);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on("message", (data) => {
    const m = JSON.parse((data as Buffer).toString("utf8")) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => {
    const m = queue.shift();
    if (m) resolve(m);
    else waiters.push(resolve);
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => { resolve({ ws, next }); });
    ws.once("error", reject);
  });
}

describe("app WebSocket signalling", () => {
  it("joins a room, lists peers, tells others, answers pings and bad messages", async () => {
    const a = await socket();
    const b = await socket();
    a.ws.send(JSON.stringify({ type: "join", room: "r1", peer: "alice" }));
    expect(await a.next()).toMatchObject({ type: "joined", room: "r1", peers: ["alice"], site: "sbg" });
    b.ws.send(JSON.stringify({ type: "join", room: "r1", peer: "bob" }));
    expect(await b.next()).toMatchObject({ type: "joined", peers: ["alice", "bob"] });
    expect(await a.next()).toMatchObject({ type: "peer-joined", peer: "bob" });
    expect(await json("/rooms/r1")).toMatchObject({ status: 200, body: { room: "r1", peers: ["alice", "bob"] } });
    a.ws.send(JSON.stringify({ type: "ping", t: 42 }));
    expect(await a.next()).toEqual({ type: "pong", t: 42, site: "sbg" });
    a.ws.send("nope");
    expect(await a.next()).toMatchObject({ type: "error", error: "message is not valid JSON" });
    a.ws.send(JSON.stringify({ type: "join", room: "r 1", peer: "alice" }));
    expect(await a.next()).toMatchObject({ type: "error" });
    b.ws.close();
    expect(await a.next()).toMatchObject({ type: "peer-left", peer: "bob" });
    a.ws.close();
    await new Promise((resolve) => a.ws.once("close", resolve));
    expect(await json("/rooms/r1")).toMatchObject({ status: 404 });
  });
});
