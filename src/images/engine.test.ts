import { describe, expect, it, vi } from "vitest";
import { UserError } from "../errors.js";
import { type EngineStatus, type HostFacts, engineEndpoint, ensureEngine, probeEngine } from "./engine.js";

// Port 1 on loopback: nothing listens there, so the connection is refused at once.
const UNREACHABLE = { DOCKER_HOST: "tcp://127.0.0.1:1" };
const down: EngineStatus = { kind: "down", endpoint: "unix:///var/run/docker.sock", reason: "ENOENT" };
const up: EngineStatus = { kind: "up", endpoint: "unix:///var/run/docker.sock", serverVersion: "20.10.24", apiVersion: "1.41" };
const debianRoot: HostFacts = { platform: "linux", isRoot: true, debianLike: true, hasDockerd: true };

describe("engine preflight", () => {
  it("uses DOCKER_HOST when set, else the default socket", () => {
    expect(engineEndpoint({})).toBe("unix:///var/run/docker.sock");
    expect(engineEndpoint(UNREACHABLE)).toBe("tcp://127.0.0.1:1");
  });

  it("reports an unreachable engine as down with the reason", async () => {
    const status = await probeEngine(UNREACHABLE, 2000);
    expect(status.kind).toBe("down");
    expect(status.kind === "down" && status.reason).toMatch(/ECONNREFUSED/);
  });

  it("says which DOCKER_HOST does not answer and how to fix it, and installs nothing", async () => {
    const installDockerIo = vi.fn();
    const error = await ensureEngine({ env: UNREACHABLE, log: () => undefined, deps: { installDockerIo } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/^no Docker engine answers at DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED/);
    expect((error as UserError).hint).toMatch(/unset DOCKER_HOST/);
    expect(installDockerIo).not.toHaveBeenCalled();
  });

  it.each([
    [{ ...debianRoot, isRoot: false }, /needs root/],
    [{ ...debianRoot, platform: "darwin" as const }, /only on Linux/],
    [{ ...debianRoot, debianLike: false }, /only on Debian-like hosts/],
  ])("explains how to get an engine where it may not set one up (%o)", async (facts, why) => {
    const startDockerd = vi.fn();
    const error = await ensureEngine({
      env: {},
      log: () => undefined,
      deps: { probe: () => Promise.resolve(down), facts: () => facts, startDockerd },
    }).catch((e: unknown) => e);
    expect((error as UserError).message).toMatch(why);
    expect((error as UserError).hint).toMatch(/Docker Engine|docker\.io/);
    expect(startDockerd).not.toHaveBeenCalled();
  });

  it("never touches an engine that answers", async () => {
    const startDockerd = vi.fn();
    const installDockerIo = vi.fn();
    const status = await ensureEngine({ env: {}, deps: { probe: () => Promise.resolve(up), startDockerd, installDockerIo } });
    expect(status).toEqual(up);
    expect(startDockerd).not.toHaveBeenCalled();
    expect(installDockerIo).not.toHaveBeenCalled();
  });

  it("installs docker.io when dockerd is missing, starts it, and says so", async () => {
    const answers = [down, down, up];
    const lines: string[] = [];
    const installDockerIo = vi.fn(() => Promise.resolve());
    const status = await ensureEngine({
      env: {},
      log: (l) => lines.push(l),
      deps: {
        probe: () => Promise.resolve(answers.shift() ?? up),
        facts: () => ({ ...debianRoot, hasDockerd: false }),
        installDockerIo,
        startDockerd: () => Promise.resolve({ pid: process.pid }),
      },
    });
    expect(status.kind).toBe("up");
    expect(installDockerIo).toHaveBeenCalledOnce();
    expect(lines.join("\n")).toMatch(/installing Debian's docker.io/);
    expect(lines.join("\n")).toMatch(/starting dockerd --userland-proxy=false --ip=127.0.0.1 in the background \(log: /);
    expect(lines.at(-1)).toMatch(/Docker engine 20\.10\.24 is up/);
  });

  it("gives up at the deadline with the dockerd log", async () => {
    let now = 0;
    const error = await ensureEngine({
      env: {},
      log: () => undefined,
      startTimeoutMs: 1000,
      deps: {
        probe: () => Promise.resolve(down),
        facts: () => debianRoot,
        startDockerd: () => Promise.resolve({ pid: process.pid }),
        now: () => (now += 600),
      },
    }).catch((e: unknown) => e);
    expect((error as UserError).message).toMatch(/did not answer within 1 s/);
  });
});
