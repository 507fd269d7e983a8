import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RUN_LABEL } from "../cluster/labels.js";
import { dockerClient } from "../images/engine.js";
import type { Summary } from "../report/summary.js";
import { tempDir } from "../../test/temp-dir.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Everything the engine holds that carries this run's label: containers, networks, volumes. */
async function leftovers(run: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const docker = dockerClient();
  const filters = { label: [`${RUN_LABEL}=${run}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: volumes.Volumes.length };
}

describe("Ctrl-C during npm run chaos", () => {
  it("heals, removes the topology, writes the partial summary and exits 130", { timeout: 180_000 }, async () => {
    const run = `interrupt-${randomBytes(3).toString("hex")}`;
    const reports = tempDir("interrupt");
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "chaos", "redis-down", "pg-replica-down"], {
      cwd: root,
      env: { ...process.env, BROWNOUT_RUN_ID: run, BROWNOUT_REPORTS_DIR: reports },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => { resolve(code); }));
    // Signalled once the fault is in force: the runner must heal it and remove everything, not leave it to Ryuk.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no fault phase within 120 s:\n${log}`)); }, 120_000);
      const watch = (d: Buffer) => {
        log += d.toString();
        if (/redis-down · fault ·/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", watch);
      child.stderr.on("data", watch);
    });
    child.kill("SIGINT");
    const code = await exited;
    expect(code, log.slice(-3000)).toBe(130);
    expect(log).toMatch(/SIGINT: healing the faults in force, removing the topology/);
    const summary = JSON.parse(await readFile(join(reports, "summary.json"), "utf8")) as Summary;
    // The interrupted scenario is in it, broken, saying why; the one after it (registry order) never started.
    expect(summary.scenarios.map((s) => [s.name, s.status])).toEqual([["redis-down", "broken"]]);
    expect(summary.scenarios[0]?.error).toMatch(/interrupted/);
    const journal = JSON.parse(await readFile(join(reports, "scenarios", "redis-down", "journal.json"), "utf8")) as { steps: { phase: string; f: string }[] };
    expect(journal.steps.map((s) => `${s.phase}:${s.f}`)).toContain("fault:toxic");
    expect(await leftovers(run)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
