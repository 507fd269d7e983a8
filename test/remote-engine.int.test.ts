import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_LABEL } from "../src/cluster/labels.js";
import { until } from "../src/cluster/until.js";
import { dockerClient } from "../src/images/engine.js";
import { imageTag } from "../src/images/recipe-hash.js";
import type { Summary } from "../src/report/summary.js";
import { type SecondEngine, copyImages, startSecondEngine } from "./second-engine.js";
import { tempDir } from "./temp-dir.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const SCENARIOS = ["redis-down", "pg-replica-down"];

async function leftovers(docker: Docker, run: string): Promise<number> {
  const filters = { label: [`${RUN_LABEL}=${run}`] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return containers.length + networks.length;
}

/** `brownout chaos` from the sources, on an engine, with its own run id and reports dir. */
function chaos(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "chaos", ...args], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", timeout: 240_000 });
}

describe("outgrowing one machine: a second engine over TCP, and shards merged", () => {
  let engine2: SecondEngine;
  const remoteEnv = () => ({ DOCKER_HOST: engine2.dockerHost, TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE: engine2.socket });

  beforeAll(async () => {
    engine2 = await startSecondEngine();
    // What the two scenarios run, brought over as from a registry: the remote engine builds nothing.
    copyImages(["postgres", "redis", "haproxy", "caddy", "toxiproxy", "app", "ryuk", "nettools"].map((r) => imageTag(r as Parameters<typeof imageTag>[0])), engine2);
  }, 300_000);

  afterAll(async () => {
    await engine2.stop();
  }, 60_000);

  it("runs a shard on each engine, leaves nothing on either, and merges the shards into one report", { timeout: 600_000 }, async () => {
    const runs = [`shard1-${randomBytes(3).toString("hex")}`, `shard2-${randomBytes(3).toString("hex")}`];
    const dirs = runs.map(() => tempDir("shard"));
    const one = chaos([...SCENARIOS, "--shard", "1/2"], { BROWNOUT_RUN_ID: runs[0] ?? "", BROWNOUT_REPORTS_DIR: dirs[0] ?? "" });
    expect(one.status, one.stdout + one.stderr).toBe(0);
    const two = chaos([...SCENARIOS, "--shard", "2/2"], { BROWNOUT_RUN_ID: runs[1] ?? "", BROWNOUT_REPORTS_DIR: dirs[1] ?? "", ...remoteEnv() });
    expect(two.status, two.stdout.slice(-3000) + two.stderr.slice(-3000)).toBe(0);
    // The second shard really ran there: its engine says so in its summary, and its containers were there.
    const summary2 = JSON.parse(readFileSync(join(dirs[1] ?? "", "summary.json"), "utf8")) as Summary;
    expect(summary2.scenarios.map((s) => [s.name, s.status])).toEqual([["pg-replica-down", "passed"]]);
    expect(await leftovers(engine2.docker, runs[1] ?? "")).toBe(0);
    expect(await leftovers(dockerClient(), runs[0] ?? "")).toBe(0);
    expect(await leftovers(dockerClient(), runs[1] ?? "")).toBe(0);

    const merged = tempDir("merged");
    const report = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "report", ...dirs], { cwd: root, env: { ...process.env, BROWNOUT_REPORTS_DIR: merged }, encoding: "utf8", timeout: 120_000 });
    expect(report.status, report.stdout + report.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(merged, "summary.json"), "utf8")) as Summary;
    expect(summary.scenarios.map((s) => s.name).sort()).toEqual([...SCENARIOS].sort());
    expect(existsSync(join(merged, "allure-report", "index.html"))).toBe(true);
  });

  it("the remote engine's reaper removes a run whose runner was killed", { timeout: 240_000 }, async () => {
    const run = `killed-${randomBytes(3).toString("hex")}`;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "chaos", "redis-down"], {
      cwd: root,
      env: { ...process.env, ...remoteEnv(), BROWNOUT_RUN_ID: run, BROWNOUT_REPORTS_DIR: tempDir("killed") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    await until(`redis-down reaching its fault on the second engine:\n${log}`, 120_000, () => Promise.resolve(/redis-down · fault ·/.test(log) ? true : undefined), 100);
    expect(await leftovers(engine2.docker, run)).toBeGreaterThan(0);
    child.kill("SIGKILL");
    // Ryuk, on the second engine, sees its connection drop and removes the run's containers and network.
    await until("the second engine's reaper removing the killed run", 120_000, async () => ((await leftovers(engine2.docker, run)) === 0 ? true : undefined), 500);
    expect(await leftovers(dockerClient(), run)).toBe(0);
  });
});
