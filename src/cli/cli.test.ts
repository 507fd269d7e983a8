import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ROLES } from "../images/catalog.js";
import { SCENARIO_NAMES } from "../scenario/registry.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Runs one of our CLIs as a user would (through tsx), with an engine that cannot answer. */
function cli(script: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root,
    env: { ...process.env, DOCKER_HOST: "tcp://127.0.0.1:1", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe("npm run chaos", { timeout: 60_000 }, () => {
  it("an unknown scenario lists the valid ones, exit 2, before touching any engine", () => {
    const r = cli("src/cli/chaos-cli.ts", ["steady-state", "redis-dwn"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`brownout: unknown scenario 'redis-dwn'; scenarios are:\n  ${SCENARIO_NAMES.join("\n  ")}\n`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("--list prints one name per line; --shard splits it", () => {
    expect(cli("src/cli/chaos-cli.ts", ["--list"]).stdout).toBe(`${SCENARIO_NAMES.join("\n")}\n`);
    const parts = [1, 2, 3].map((i) => cli("src/cli/chaos-cli.ts", ["--list", "--shard", `${String(i)}/3`]).stdout.trim().split("\n"));
    expect(parts.flat().sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  it("--dry-run prints the fault timeline and starts nothing (no engine needed)", () => {
    const r = cli("src/cli/chaos-cli.ts", ["--dry-run", "redis-master-down"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+2\.0 s\s+kill → redis-1/);
    expect(r.stdout).toMatch(/nothing started/);
  });

  it("--mutants lists scenario × mutant pairs; an unknown mutant names the valid ones, exit 2, before any engine", () => {
    const pairs = cli("src/cli/chaos-cli.ts", ["--list", "--mutants", "redis-down"]).stdout.trim().split("\n");
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    for (const p of pairs) expect(p).toMatch(/^redis-down × [a-z0-9-]+$/);
    const r = cli("src/cli/chaos-cli.ts", ["--mutants=no-such-mutant"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown mutant 'no-such-mutant' for these scenarios; their mutants are:\n {2}cache-no-ttl/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("bad flags are usage errors, exit 2", () => {
    expect(cli("src/cli/chaos-cli.ts", ["--repeat", "0"])).toMatchObject({ code: 2 });
    expect(cli("src/cli/chaos-cli.ts", ["--shard", "3/2"])).toMatchObject({ code: 2 });
    expect(cli("src/cli/chaos-cli.ts", ["--fast"]).stderr).toMatch(/unknown option '--fast'/);
  });
});

describe("command-line errors", () => {
  it("npm run engine: names the DOCKER_HOST that does not answer and how to get an engine, exit 1", () => {
    const r = cli("src/images/engine-cli.ts");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brownout: no Docker engine answers at DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)$/m);
    expect(r.stderr).toMatch(/^hint: start the engine DOCKER_HOST names, or unset DOCKER_HOST/m);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("npm run images: an unknown role lists the roles, exit 2, before touching any engine", () => {
    const r = cli("src/images/images-cli.ts", ["postgress"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`brownout: unknown role 'postgress'; roles are: ${ROLES.join(", ")}\n`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("npm run images: with no engine, says so instead of building", () => {
    const r = cli("src/images/images-cli.ts", ["redis"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brownout: no Docker engine answers at DOCKER_HOST=/m);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("npm run clean: nothing to clean without an engine, and never starts one", () => {
    const r = cli("src/images/clean-cli.ts");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing to clean/);
  });

  it("npm run clean: a bad flag prints usage, exit 2", () => {
    const r = cli("src/images/clean-cli.ts", ["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run clean/);
    expect(r.stderr).not.toMatch(STACK);
  });
});
