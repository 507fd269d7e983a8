// First: testcontainers must see its environment (reaper image, host) before it is imported.
import "../src/images/testcontainers-setup.js";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import type { StartedTestContainer } from "testcontainers";
import { EXIT_USAGE, UserError, runCli } from "../src/cli/errors.js";
import { benchChecks } from "./checks.js";
import { PORTS, type ServerRole, nodeContainer } from "../src/cluster/containers.js";
import "../src/kinds/index.js";
import { startTopology } from "../src/stack/index.js";
import { DEFAULT_ROLES } from "../src/images/catalog.js";
import { ensureEngine } from "../src/images/engine.js";
import { ensureImages } from "../src/images/ensure-images.js";
import { plainProgress } from "../src/images/progress.js";
import { unavailability } from "../src/assertions/availability.js";
import { History } from "../src/workload/history.js";
import { HttpClient } from "../src/workload/http-client.js";
import { completions } from "../src/workload/op.js";
import { healthProbe } from "../src/workload/probes.js";
import { Scheduler } from "../src/workload/scheduler.js";
import { appEnvironment } from "../src/kinds/app/sites.js";
import { loadRun } from "./app-load.js";
import { type Metric, ratio, summarize } from "./stats.js";

const RUNS = Number(process.env.BROWNOUT_BENCH_RUNS ?? 5);
/** `npm run bench -- app probe`: only these sections (images, topology, app, probe, checks); all by default. */
const ALL_SECTIONS = ["images", "topology", "app", "probe", "checks"];
function sectionsAsked(): string[] {
  try {
    return parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: {} }).positionals;
  } catch (e) {
    // Before runCli: a bad flag is still a usage error, never a stack trace.
    process.stderr.write(`brownout: ${(e as Error).message}; bench takes section names only: images, topology, app, probe, checks\n`);
    process.exit(EXIT_USAGE);
  }
}
const asked = sectionsAsked();
const SECTIONS = new Set(asked.length > 0 ? asked : ALL_SECTIONS);
const OUT = "reports/bench.json";

/** A real request per role after its wait strategy passed: ready means it served one. */
const probes: Partial<Record<ServerRole, (c: StartedTestContainer) => Promise<void>>> = {
  postgres: pgProbe,
  "postgres-initdb": pgProbe,
  mysql: async (c) => {
    const conn = await mysql.createConnection({ host: c.getHost(), port: c.getMappedPort(PORTS.mysql), user: "root", password: "pw" });
    await conn.query("SELECT 1");
    await conn.end();
  },
  redis: async (c) => {
    const r = new Redis({ host: c.getHost(), port: c.getMappedPort(PORTS.redis), lazyConnect: true });
    await r.connect();
    await r.ping();
    r.disconnect();
  },
};

async function pgProbe(c: StartedTestContainer): Promise<void> {
  const client = new pg.Client({ host: c.getHost(), port: c.getMappedPort(PORTS.postgres), user: "bench", password: "pw", database: "bench" });
  await client.connect();
  await client.query("SELECT 1");
  await client.end();
}

const envFor: Partial<Record<ServerRole, Record<string, string>>> = {
  postgres: { POSTGRES_USER: "bench", POSTGRES_PASSWORD: "pw", POSTGRES_DB: "bench" },
  "postgres-initdb": { POSTGRES_USER: "bench", POSTGRES_PASSWORD: "pw", POSTGRES_DB: "bench" },
  mysql: { MYSQL_ROOT_PASSWORD: "pw" },
};

/** Start-to-ready: from asking testcontainers for the container to the first request it served. */
async function readyMs(role: ServerRole): Promise<number> {
  const t0 = performance.now();
  const c = await nodeContainer(role).withEnvironment(envFor[role] ?? {}).start();
  try {
    await probes[role]?.(c);
    return performance.now() - t0;
  } finally {
    await c.stop({ remove: true });
  }
}

function readExisting(): Record<string, Metric> {
  try {
    return JSON.parse(readFileSync(OUT, "utf8")) as Record<string, Metric>;
  } catch {
    return {};
  }
}

await runCli(async () => {
  const unknown = [...SECTIONS].filter((x) => !ALL_SECTIONS.includes(x));
  if (unknown.length > 0) throw new UserError(`unknown bench section ${unknown.map((u) => `'${u}'`).join(", ")}; sections are: ${ALL_SECTIONS.join(", ")}`, { exitCode: EXIT_USAGE });
  const metrics: Record<string, Metric> = {};
  const note = (name: string, m: Metric) => {
    metrics[name] = m;
    process.stderr.write(`[bench] ${name}: median ${m.median} ${m.unit} (min ${m.min}, max ${m.max}, runs ${m.runs})\n`);
  };

  // The checkers need no engine: pure functions of a history.
  if (SECTIONS.has("checks")) benchChecks(note, RUNS);
  const needsEngine = [...SECTIONS].some((x) => x !== "checks");
  if (needsEngine) {
    await ensureEngine();
    await ensureImages({ roles: [...DEFAULT_ROLES, "postgres-initdb"], onEvent: plainProgress((t) => process.stderr.write(t)) });
    // The first container of a session also starts the reaper; keep that out of every figure.
    await readyMs("redis");
  }

  if (SECTIONS.has("images") || SECTIONS.has("topology")) await benchImages(note, metrics);
  if (SECTIONS.has("topology")) await benchTopology(note, metrics);
  if (SECTIONS.has("app")) await benchApp(note);
  if (SECTIONS.has("probe")) await benchProbe(note);

  mkdirSync("reports", { recursive: true });
  // Other benchmarks (topology, app, probes) write their own keys into the same file.
  writeFileSync(OUT, `${JSON.stringify({ ...readExisting(), ...metrics }, null, 2)}\n`);
  process.stdout.write(`wrote ${OUT}\n`);
  return 0;
});

type Note = (name: string, m: Metric) => void;

async function benchImages(note: Note, metrics: Record<string, Metric>): Promise<void> {
  const roles: ServerRole[] = ["postgres", "postgres-initdb", "mysql", "redis", "haproxy", "caddy", "toxiproxy"];
  for (const role of roles) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await readyMs(role));
    note(`image.${role}.readyMs`, summarize(samples, "ms"));
  }
  note("image.postgres.readyRatio", ratio(metrics["image.postgres.readyMs"] as Metric, metrics["image.postgres-initdb.readyMs"] as Metric));
}

async function benchTopology(note: Note, metrics: Record<string, Metric>): Promise<void> {

  // The topology, from nothing to verify() green, and its teardown; the ratio is to a Postgres container that
  // runs initdb at start, measured in this same run.
  const starts: number[] = [];
  const teardowns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const topology = await startTopology();
    const result = await topology.verify({ withinMs: 30_000 });
    starts.push(performance.now() - t0);
    const t1 = performance.now();
    await topology[Symbol.asyncDispose]();
    teardowns.push(performance.now() - t1);
    if (!result.ok) throw new Error(`topology never reached steady state: ${result.problems.join("; ")}`);
  }
  note("topology.startMs", summarize(starts, "ms"));
  note("topology.startRatio", ratio(metrics["topology.startMs"] as Metric, metrics["image.postgres-initdb.readyMs"] as Metric));
  note("topology.teardownMs", summarize(teardowns, "ms"));

  // Everything cached: what `npm run images` costs when there is nothing to build, as a user runs it.
  const cached: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync("npm", ["run", "--silent", "images"], { encoding: "utf8", env: { ...process.env, CI: "true" } });
    if (r.status !== 0) throw new Error(`npm run images failed: ${r.stderr}`);
    cached.push(performance.now() - t0);
  }
  note("images.cachedBuildMs", summarize(cached, "ms"));
}

/**
 * Cache-hit GET /products/:id on one app instance, from the host over loopback (its published port), bounded to
 * 20,000 requests or 10 s per run. Measured twice: an instance wired straight to Redis and HAProxy (the app
 * itself), and app-gra as the topology wires it, every dependency through its Toxiproxy link.
 */
async function benchApp(note: Note): Promise<void> {
  await using topology = await startTopology({ slices: ["postgres", "redis", "web"] });
  const v = await topology.verify({ withinMs: 30_000 });
  if (!v.ok) throw new Error(`topology never reached steady state: ${v.problems.join("; ")}`);
  const network = topology.node("haproxy").getNetworkNames().find((n) => n.startsWith("brownout-"));
  if (!network) throw new Error("the run network was not found");
  const direct = { ...appEnvironment(topology.spec, "gra"), APP_PG_WRITE: "haproxy:5432", APP_PG_READ: "haproxy:5433" };
  delete (direct as Record<string, string | undefined>).APP_REDIS_NAT;
  const bench = await nodeContainer("app").withNetworkMode(network).withNetworkAliases("app-bench").withEnvironment(direct).start();
  try {
    for (const [prefix, url] of [
      ["app.cacheHit", `http://${bench.getHost()}:${String(bench.getMappedPort(PORTS.app))}`],
      ["app.cacheHit.viaToxiproxy", topology.endpoints().apps.gra],
    ] as const) {
      const id = prefix.replace(/\W/g, "");
      const created = await fetch(`${url}/products`, { method: "POST", body: JSON.stringify({ id, name: "bench", priceCents: 1 }) });
      if (created.status !== 201) throw new Error(`seeding the product: ${String(created.status)}`);
      // Until a read is served from the cache (the first ones may miss while the replica replays).
      for (const deadline = performance.now() + 5000; ; ) {
        const body = (await (await fetch(`${url}/products/${id}`)).json()) as { source?: string };
        if (body.source === "cache") break;
        if (performance.now() > deadline) throw new Error("the product never came from the cache");
      }
      await loadRun(url, `/products/${id}`, { requests: 2000, concurrency: 8, maxMs: 5000 }); // warm-up
      const rps: number[] = [];
      const p99: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Eight requests in flight: enough to keep one Node process busy on two cores, few enough that the
        // latency measured is the app's, not a queue in front of it.
        const r = await loadRun(url, `/products/${id}`, { requests: 20_000, concurrency: 8, maxMs: 10_000 });
        if (r.errors > 0) throw new Error(`${String(r.errors)} of ${String(r.requests)} cache-hit requests failed`);
        rps.push(r.rps);
        p99.push(r.p99Ms);
      }
      note(`${prefix}.rps`, summarize(rps, "req/s"));
      note(`${prefix}.p99Ms`, summarize(p99, "ms"));
    }
  } finally {
    await bench.stop({ remove: true });
  }
}

/**
 * Probe timing: cut app-gra from both its Postgres links for a window timed on the harness's clock, and measure
 * the window from the history of /health probes (every 50 ms). The error is |measured − actual|.
 */
async function benchProbe(note: Note): Promise<void> {
  await using topology = await startTopology({ slices: ["postgres", "web"] });
  const v = await topology.verify({ withinMs: 30_000 });
  if (!v.ok) throw new Error(`topology never reached steady state: ${v.problems.join("; ")}`);
  const http = new HttpClient();
  const errors: number[] = [];
  const lateness: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const history = new History();
    const scheduler = new Scheduler(history, [healthProbe(http, { url: topology.endpoints().apps.gra, via: "gra" })], { intervalMs: 50, timeoutMs: 1000 });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 1000));
    const from = history.now();
    const cut = [await topology.toxic("app-gra-pg-write", { type: "down" }), await topology.toxic("app-gra-pg-read", { type: "down" })];
    const cutAt = (from + history.now()) / 2;
    await new Promise((r) => setTimeout(r, 2000));
    const healFrom = history.now();
    for (const f of cut) await f.heal();
    const healAt = (healFrom + history.now()) / 2;
    await new Promise((r) => setTimeout(r, 1000));
    await scheduler.stop();
    const windows = unavailability(completions(history.ops), "health");
    const w = windows[0];
    if (windows.length !== 1 || !w) throw new Error(`expected one unavailability window, found ${String(windows.length)}`);
    errors.push(Math.abs(w.to - w.from - (healAt - cutAt)));
    lateness.push(scheduler.lateness().p99);
  }
  await http.close();
  note("probe.errorMs", summarize(errors, "ms"));
  note("probe.latenessP99Ms", summarize(lateness, "ms"));
}
