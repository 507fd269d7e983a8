import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PORTS, nodeContainer } from "../cluster/containers.js";
import { DOCKERD_ARGS, dockerClient } from "./engine.js";
import { imageTag } from "./recipe-hash.js";

const docker = dockerClient();

async function containersLabelled(label: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  return list.map((c) => c.Id);
}

/** Whether the engine is a dockerd started the way Brownout starts one (its command line, from /proc). */
function ownEngine(): boolean {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmd[0]?.endsWith("dockerd") && DOCKERD_ARGS.every((a) => cmd.includes(a))) return true;
    } catch {
      // gone, or not ours to read
    }
  }
  return false;
}

describe("ryuk", () => {
  it("is the image testcontainers uses for its reaper", async () => {
    // Any container start makes testcontainers start its session's reaper first.
    await using redis = await nodeContainer("redis").start();
    expect(redis.getId()).toBeTruthy();
    const reapers = await docker.listContainers({ filters: { name: ["testcontainers-ryuk-"] } });
    expect(process.env.RYUK_CONTAINER_IMAGE).toBe(imageTag("ryuk"));
    expect(reapers.map((r) => r.Image)).toContain(imageTag("ryuk"));
    // A local engine's ports are addressed on loopback, never through the bridge gateway.
    expect(redis.getHost()).toBe("127.0.0.1");
    // The reaper names no address for its port: on an engine Brownout started (--ip=127.0.0.1) it is on loopback
    // too, never reachable from outside the machine.
    if (ownEngine()) expect(reapers.flatMap((r) => r.Ports.filter((p) => p.PublicPort).map((p) => p.IP)).every((ip) => ip === "127.0.0.1")).toBe(true);
  });

  it("acknowledges filters and removes what they match once its client is gone", async () => {
    const label = `brownout.ryuk-test=${randomUUID()}`;
    // Not disposed by the test: the reaper removes what it was told to and then exits (testcontainers starts
    // its image with auto-remove), which the end of this test checks.
    const reaper = await nodeContainer("ryuk")
      .withBindMounts([{ source: "/var/run/docker.sock", target: "/var/run/docker.sock" }])
      .withEnvironment({ RYUK_RECONNECTION_TIMEOUT: "500ms" })
      .start();
    const [key, value] = label.split("=") as [string, string];
    const victim = await docker.createContainer({ Image: imageTag("base"), Cmd: ["sleep", "300"], Labels: { [key]: value } });
    await victim.start();
    const network = await docker.createNetwork({ Name: `ryuk-test-${value.slice(0, 8)}`, Labels: { [key]: value } });

    const socket = connect(reaper.getMappedPort(PORTS.ryuk), reaper.getHost());
    const ack = await new Promise<string>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("data", (d) => {
        resolve(d.toString());
      });
      socket.write(`label=${label}\n`);
    });
    expect(ack).toBe("ACK\n");
    // Still connected: nothing may be removed yet.
    expect(await containersLabelled(label)).toHaveLength(1);
    socket.end();

    await expect.poll(() => containersLabelled(label), { timeout: 20_000, interval: 100 }).toEqual([]);
    await expect.poll(async () => (await docker.listNetworks({ filters: { label: [label] } })).length, { timeout: 10_000, interval: 100 }).toBe(0);
    await expect(network.inspect()).rejects.toThrow(/not found|No such network/i);
    await expect.poll(async () => (await docker.listContainers({ all: true, filters: { id: [reaper.getId()] } })).length, { timeout: 10_000, interval: 100 }).toBe(0);
  });

  it("reaps the containers of a runner killed with SIGKILL", async () => {
    const run = `killed-${randomUUID()}`;
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("../../test/fixtures/orphan-runner.ts", import.meta.url)), run], {
      // A short reconnection timeout keeps the test quick; the default (10 s) behaves the same, later.
      env: { ...process.env, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: "1s" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const started = await new Promise<string>((resolve, reject) => {
      child.once("exit", (code) => {
        reject(new Error(`runner exited early with ${String(code)}`));
      });
      child.stdout.on("data", (d: Buffer) => {
        const m = /started (\w+)/.exec(d.toString());
        if (m?.[1]) resolve(m[1]);
      });
    });
    expect(await containersLabelled(`brownout.run=${run}`)).toEqual([started]);
    child.removeAllListeners("exit");
    child.kill("SIGKILL");
    await expect.poll(() => containersLabelled(`brownout.run=${run}`), { timeout: 30_000, interval: 200 }).toEqual([]);
  });

  it("reaps a killed runner's whole topology: containers, its network and volumes", { timeout: 120_000 }, async () => {
    const run = `killed-topology-${randomUUID().slice(0, 8)}`;
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("../../test/fixtures/topology-runner.ts", import.meta.url))], {
      env: { ...process.env, BROWNOUT_RUN_ID: run, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: "1s" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("started")) resolve();
      });
      child.once("exit", (code) => { reject(new Error(`topology runner exited with ${String(code)} before starting`)); });
    });
    const label = `brownout.run=${run}`;
    expect((await docker.listNetworks({ filters: { label: [label] } })).length).toBe(1);
    // The run's volumes are anonymous (no label to filter on): named from the containers' mounts before the kill.
    const mounted = (await docker.listContainers({ all: true, filters: { label: [label] } })).flatMap((c) => (c.Mounts as { Type: string; Name?: string }[]).filter((m) => m.Type === "volume" && m.Name).map((m) => m.Name ?? ""));
    child.kill("SIGKILL");
    await expect.poll(() => containersLabelled(label), { timeout: 60_000, interval: 250 }).toEqual([]);
    await expect.poll(async () => (await docker.listNetworks({ filters: { label: [label] } })).map((n) => n.Name), { timeout: 30_000, interval: 250 }).toEqual([]);
    await expect.poll(async () => (await docker.listVolumes({ filters: { label: [label] } })).Volumes.length, { timeout: 30_000, interval: 250 }).toBe(0);
    const names = new Set((await docker.listVolumes()).Volumes.map((v) => v.Name));
    expect(mounted.filter((m) => names.has(m))).toEqual([]);
  });
});
