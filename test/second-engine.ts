import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { until } from "../src/cluster/until.js";

/** A second Docker engine on this machine, as a remote one is reached: over TCP, with its own everything. */
export interface SecondEngine {
  readonly dockerHost: string;
  /** Its unix socket: what its reaper mounts (TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE). */
  readonly socket: string;
  readonly docker: Docker;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

const BRIDGE = "brownout2";
const FORWARD_RULE = ["-s", "10.214.0.0/15", "-d", "10.214.0.0/15", "-j", "ACCEPT"];
/** Docker's chain for the user's own rules, consulted first in FORWARD. */
const FORWARD_CHAIN = "DOCKER-USER";

/**
 * Starts `dockerd` with its own data root, exec root, pid file, containerd namespace and bridge (made here, on a
 * subnet of its own), listening on a loopback TCP port and a unix socket in a temporary folder. It leaves the
 * host's iptables alone (the first engine owns them): published ports go through its userland proxy.
 */
export async function startSecondEngine(): Promise<SecondEngine> {
  const dir = mkdtempSync(join(tmpdir(), "brownout-engine2-"));
  const port = await freePort();
  const socket = join(dir, "docker.sock");
  execFileSync("ip", ["link", "add", BRIDGE, "type", "bridge"]);
  execFileSync("ip", ["addr", "add", "10.214.0.1/24", "dev", BRIDGE]);
  execFileSync("ip", ["link", "set", BRIDGE, "up"]);
  // The first engine set the host's FORWARD policy to DROP and accepts only its own bridges, and bridged traffic
  // goes through iptables (br_netfilter): without this, containers of the second engine could not reach each
  // other. Scoped to the second engine's subnets (its bridge 10.214.0.0/24 and its pool 10.215.0.0/16), removed
  // on stop. A remote engine on a host of its own needs none of this.
  execFileSync("iptables", ["-I", FORWARD_CHAIN, ...FORWARD_RULE]);
  const log = openSync(join(dir, "dockerd.log"), "a");
  const child: ChildProcess = spawn(
    "dockerd",
    [
      "--data-root", join(dir, "data"),
      "--exec-root", join(dir, "exec"),
      "--pidfile", join(dir, "docker.pid"),
      "--host", `tcp://127.0.0.1:${String(port)}`,
      "--host", `unix://${socket}`,
      "--bridge", BRIDGE,
      "--iptables=false",
      "--ip-masq=false",
      "--userland-proxy=true",
      "--containerd-namespace", "brownout-engine2",
      "--containerd-plugins-namespace", "brownout-engine2-plugins",
      "--default-address-pool", "base=10.215.0.0/16,size=24",
    ],
    { stdio: ["ignore", log, log] },
  );
  const dockerHost = `tcp://127.0.0.1:${String(port)}`;
  const docker = new Docker({ host: "127.0.0.1", port });
  const exited = new Promise<void>((resolve) => child.on("exit", () => { resolve(); }));
  const stop = async () => {
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    execFileSync("ip", ["link", "delete", BRIDGE]);
    execFileSync("iptables", ["-D", FORWARD_CHAIN, ...FORWARD_RULE]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until("the second dockerd answering", 60_000, async () => ((await docker.ping().catch(() => undefined)) ? true : undefined), 200);
  } catch (e) {
    await stop();
    throw e;
  }
  return { dockerHost, socket, docker, stop };
}

/** Copies images from the first engine into the second (`docker save | docker load`), as a registry would. */
export function copyImages(tags: readonly string[], to: SecondEngine): void {
  execFileSync("sh", ["-c", `docker save ${tags.join(" ")} | DOCKER_HOST=${to.dockerHost} docker load -q`], { stdio: "inherit" });
}
