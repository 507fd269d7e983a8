// First: testcontainers must see its environment (reaper image, host) before it is imported.
import "../src/images/testcontainers-setup.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import type { StartedTestContainer } from "testcontainers";
import { runCli } from "../src/cli/errors.js";
import { PORTS, type ServerRole, nodeContainer } from "../src/cluster/containers.js";
import { startTopology } from "../src/cluster/index.js";
import { DEFAULT_ROLES } from "../src/images/catalog.js";
import { ensureEngine } from "../src/images/engine.js";
import { ensureImages } from "../src/images/ensure-images.js";
import { plainProgress } from "../src/images/progress.js";
import { type Metric, ratio, summarize } from "./stats.js";

const RUNS = Number(process.env.BROWNOUT_BENCH_RUNS ?? 5);
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
  await ensureEngine();
  const log = plainProgress((t) => process.stderr.write(t));
  await ensureImages({ roles: [...DEFAULT_ROLES, "postgres-initdb"], onEvent: log });
  const metrics: Record<string, Metric> = {};
  const note = (name: string, m: Metric) => {
    metrics[name] = m;
    process.stderr.write(`[bench] ${name}: median ${m.median} ${m.unit} (min ${m.min}, max ${m.max}, runs ${m.runs})\n`);
  };

  // The first container of a session also starts the reaper; keep that out of every figure.
  await readyMs("redis");

  const roles: ServerRole[] = ["postgres", "postgres-initdb", "mysql", "redis", "haproxy", "caddy", "toxiproxy"];
  for (const role of roles) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await readyMs(role));
    note(`image.${role}.readyMs`, summarize(samples, "ms"));
  }
  note("image.postgres.readyRatio", ratio(metrics["image.postgres.readyMs"] as Metric, metrics["image.postgres-initdb.readyMs"] as Metric));

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

  mkdirSync("reports", { recursive: true });
  // Other benchmarks (topology, app, probes) write their own keys into the same file.
  writeFileSync(OUT, `${JSON.stringify({ ...readExisting(), ...metrics }, null, 2)}\n`);
  process.stdout.write(`wrote ${OUT}\n`);
  return 0;
});
