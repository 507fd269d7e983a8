import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, closeSync, unlinkSync } from "node:fs";
import Docker from "dockerode";
import { UserError } from "../errors.js";
import { within } from "../within.js";
import { aptInstall } from "./apt.js";

export const DEFAULT_SOCKET = "/var/run/docker.sock";
export const DOCKERD_LOG = "/var/log/brownout-dockerd.log";
/**
 * How Brownout starts an engine of its own: published ports through the kernel, not a userland copy per
 * connection; and bound to loopback by default (`--ip`), so a container that publishes a port without naming an
 * address (testcontainers' reaper does) is not reachable from outside the machine either.
 */
export const DOCKERD_ARGS = ["--userland-proxy=false", "--ip=127.0.0.1"];

export type EngineStatus =
  | { readonly kind: "up"; readonly endpoint: string; readonly serverVersion: string; readonly apiVersion: string }
  | { readonly kind: "down"; readonly endpoint: string; readonly reason: string };

/** Where the engine is expected: DOCKER_HOST when set, else the default Unix socket. */
export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST?.trim() || `unix://${DEFAULT_SOCKET}`;
}

export function dockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  const endpoint = engineEndpoint(env);
  const url = new URL(endpoint);
  switch (url.protocol) {
    case "unix:":
      return new Docker({ socketPath: url.pathname });
    case "tcp:":
    case "http:":
      return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: "http" });
    case "https:":
      return new Docker({ host: url.hostname, port: Number(url.port || 2376), protocol: "https" });
    default:
      throw new UserError(`DOCKER_HOST=${endpoint} uses a scheme Brownout cannot reach`, {
        hint: "use unix:///path/to/docker.sock or tcp://host:port",
      });
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Asks the engine for its version; "down" with the reason when nothing answers within the timeout. */
export async function probeEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = 3000): Promise<EngineStatus> {
  const endpoint = engineEndpoint(env);
  try {
    const version = await within(dockerClient(env).version(), timeoutMs);
    return { kind: "up", endpoint, serverVersion: version.Version, apiVersion: version.ApiVersion };
  } catch (error) {
    return { kind: "down", endpoint, reason: errorText(error) };
  }
}

/** Facts about this host that decide whether Brownout may set up an engine itself. */
export interface HostFacts {
  readonly platform: NodeJS.Platform;
  readonly isRoot: boolean;
  readonly debianLike: boolean;
  readonly hasDockerd: boolean;
}

export function readHostFacts(): HostFacts {
  const onPath = (name: string) =>
    (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(`${dir}/${name}`)) ||
    existsSync(`/usr/sbin/${name}`) ||
    existsSync(`/usr/bin/${name}`);
  return {
    platform: process.platform,
    isRoot: typeof process.getuid === "function" && process.getuid() === 0,
    debianLike: existsSync("/etc/debian_version") && onPath("apt-get"),
    hasDockerd: onPath("dockerd"),
  };
}

export interface EngineDeps {
  readonly probe: (env: NodeJS.ProcessEnv) => Promise<EngineStatus>;
  readonly facts: () => HostFacts;
  readonly installDockerIo: (log: (line: string) => void) => Promise<void>;
  readonly startDockerd: (log: (line: string) => void) => Promise<{ pid: number }>;
  readonly now: () => number;
}

const HOW_TO_GET_AN_ENGINE =
  "install and start Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, or point DOCKER_HOST at a running engine; on a Debian host, `sudo npm run engine` installs Debian's docker.io and starts it";

/**
 * Finds a running engine, or on a Debian-like host where we are root, installs Debian's docker.io (once) and
 * starts dockerd detached. Never touches an engine that already answers.
 */
export async function ensureEngine(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; startTimeoutMs?: number; deps?: Partial<EngineDeps> } = {},
): Promise<Extract<EngineStatus, { kind: "up" }>> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const deps: EngineDeps = { ...defaultDeps, ...options.deps };

  const first = await deps.probe(env);
  if (first.kind === "up") return first;

  if (env.DOCKER_HOST?.trim() && engineEndpoint(env) !== `unix://${DEFAULT_SOCKET}`) {
    throw new UserError(`no Docker engine answers at DOCKER_HOST=${first.endpoint} (${first.reason})`, {
      hint: "start the engine DOCKER_HOST names, or unset DOCKER_HOST to use the local engine",
    });
  }
  const facts = deps.facts();
  const cannot = (why: string) =>
    new UserError(`no Docker engine answers at ${first.endpoint} (${first.reason}); ${why}`, { hint: HOW_TO_GET_AN_ENGINE });
  if (facts.platform !== "linux") throw cannot("Brownout starts an engine itself only on Linux");
  if (!facts.debianLike) throw cannot("Brownout installs an engine itself only on Debian-like hosts");
  if (!facts.isRoot) throw cannot("setting one up needs root");

  if (!facts.hasDockerd) {
    log("brownout: no Docker engine answers and dockerd is not installed: installing Debian's docker.io with apt-get (once)");
    await deps.installDockerIo(log);
  }
  log(`brownout: no Docker engine answers at ${first.endpoint}: starting dockerd ${DOCKERD_ARGS.join(" ")} in the background (log: ${DOCKERD_LOG})`);
  const { pid } = await deps.startDockerd(log);
  const deadline = deps.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    const status = await deps.probe(env);
    if (status.kind === "up") {
      log(`brownout: Docker engine ${status.serverVersion} is up (dockerd pid ${pid})`);
      return status;
    }
    if (!isAlive(pid)) {
      throw new UserError(`dockerd (pid ${pid}) exited before it answered`, { details: tail(DOCKERD_LOG, 20) });
    }
    if (deps.now() > deadline) {
      throw new UserError(`dockerd (pid ${pid}) did not answer within ${Math.round((options.startTimeoutMs ?? 60_000) / 1000)} s`, {
        details: tail(DOCKERD_LOG, 20),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${path})`;
  }
}

function installDockerIo(log: (line: string) => void): Promise<void> {
  return aptInstall(["docker.io"], log);
}

/** A pid file left by a dockerd that died with its machine makes the next dockerd refuse to start. */
function removeStalePidFile(path: string): void {
  if (!existsSync(path)) return;
  const pid = Number(readFileSync(path, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) unlinkSync(path);
}

async function startDockerd(): Promise<{ pid: number }> {
  removeStalePidFile("/var/run/docker.pid");
  const fd = openSync(DOCKERD_LOG, "a");
  try {
    // Published ports through the kernel (iptables DNAT) rather than docker-proxy copying every connection in
    // userland: on two cores that copy cost a third of the app's throughput and stole time from the probes.
    const child = spawn("dockerd", DOCKERD_ARGS, { detached: true, stdio: ["ignore", fd, fd] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => {
        resolve(child.pid ?? -1);
      });
    });
    child.unref();
    return { pid };
  } finally {
    closeSync(fd);
  }
}

const defaultDeps: EngineDeps = {
  probe: (env) => probeEngine(env),
  facts: readHostFacts,
  installDockerIo,
  startDockerd,
  now: () => Date.now(),
};
