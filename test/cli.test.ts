import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ROLES } from "../src/images/catalog.js";
import { MEETING_SCENARIOS } from "../scenarios/index.js";
import { tempDir } from "./temp-dir.js";

const SCENARIO_NAMES = MEETING_SCENARIOS.map((s) => s.name);

const root = fileURLToPath(new URL("../", import.meta.url));

/** Runs `brownout <args>` as a user of this repo would (through tsx), with an engine that cannot answer. */
function brownout(args: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, DOCKER_HOST: "tcp://127.0.0.1:1", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe("brownout chaos", { timeout: 60_000 }, () => {
  it("an unknown scenario lists the valid ones, exit 2, before touching any engine", () => {
    const r = brownout(["chaos", "steady-state", "redis-dwn"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`brownout: unknown scenario 'redis-dwn'; scenarios are:\n  ${SCENARIO_NAMES.join("\n  ")}\n`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("--list prints one name per line; --shard splits it", () => {
    expect(brownout(["chaos", "--list"]).stdout).toBe(`${SCENARIO_NAMES.join("\n")}\n`);
    const parts = [1, 2, 3].map((i) => brownout(["chaos", "--list", "--shard", `${String(i)}/3`]).stdout.trim().split("\n"));
    expect(parts.flat().sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  it("--dry-run prints the fault timeline and starts nothing (no engine needed)", () => {
    const r = brownout(["chaos", "--dry-run", "redis-master-down"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+1\.0 s\s+kill → redis-1/);
    expect(r.stdout).toMatch(/nothing started/);
  });

  it("dry-run renders every config each scenario and each of its mutants deploys, patches applied, and writes them", () => {
    const dir = tempDir("dry");
    const r = brownout(["dry-run"], { BROWNOUT_REPORTS_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/do not render/);
    expect(r.stdout).toMatch(/configs: {4}haproxy\.cfg, Caddyfile, sentinel\.conf ×3 → /);
    // A mutant's patch is in its own copy of the file, the plain run's is untouched.
    const plain = readFileSync(join(dir, "dry-run", "pg-old-primary-returns", "haproxy", "haproxy.cfg"), "utf8");
    const mutated = readFileSync(join(dir, "dry-run", "pg-old-primary-returns--haproxy-pg-write-balance-first", "haproxy", "haproxy.cfg"), "utf8");
    expect(plain).not.toMatch(/balance first/);
    expect(mutated).toMatch(/balance first/);
  });

  it("--mutants lists scenario × mutant pairs; an unknown mutant names the valid ones, exit 2, before any engine", () => {
    const pairs = brownout(["chaos", "--list", "--mutants", "redis-down"]).stdout.trim().split("\n");
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    for (const p of pairs) expect(p).toMatch(/^redis-down × [a-z0-9-]+$/);
    const r = brownout(["chaos", "--mutants=no-such-mutant"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown mutant 'no-such-mutant' for these scenarios; their mutants are:\n {2}cache-no-ttl/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("bad flags are usage errors, exit 2", () => {
    expect(brownout(["chaos", "--repeat", "0"])).toMatchObject({ code: 2 });
    expect(brownout(["chaos", "--shard", "3/2"])).toMatchObject({ code: 2 });
    expect(brownout(["chaos", "--fast"]).stderr).toMatch(/unknown option '--fast'; options are: --config, --list/);
  });
});

describe("command-line errors", () => {
  it("brownout engine: names the DOCKER_HOST that does not answer and how to get an engine, exit 1", () => {
    const r = brownout(["engine"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brownout: no Docker engine answers at DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)$/m);
    expect(r.stderr).toMatch(/^hint: start the engine DOCKER_HOST names, or unset DOCKER_HOST/m);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("brownout images: an unknown role lists the roles, exit 2, before touching any engine", () => {
    const r = brownout(["images", "postgress"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`brownout: unknown role 'postgress'; roles are: ${ROLES.join(", ")}\n`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("brownout images --config: the images a config's scenarios and mutants run, its own app's recipe among them", () => {
    const r = brownout(["images", "--config", "examples/products-api/brownout.config.ts", "--list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(["caddy", "haproxy", "nettools", "postgres", "redis", "ryuk", "stack-products-api", "toxiproxy"]);
    expect(brownout(["images", "--config", "no-such.config.ts"]).stderr).toMatch(/^brownout: config file 'no-such.config.ts' not found/m);
  });

  it("brownout images: with no engine, says so instead of building", () => {
    const r = brownout(["images", "redis"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brownout: no Docker engine answers at DOCKER_HOST=/m);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("brownout clean: nothing to clean without an engine, and never starts one", () => {
    const r = brownout(["clean"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing to clean/);
  });

  it("brownout clean: a bad flag prints usage, exit 2", () => {
    const r = brownout(["clean", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option .--bogus.; options are: --run, --images, --all-images, --help\nhint: brownout clean --help/);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe("brownout <command>", { timeout: 60_000 }, () => {
  it("an unknown command or none prints usage naming the commands, exit 2", () => {
    const r = brownout(["chaoss"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^brownout: unknown command 'chaoss'; commands are: chaos, list, dry-run, images, engine, clean, report, compare, bench$/m);
    expect(brownout([]).stdout).toMatch(/^usage: brownout <command>/);
    expect(brownout([]).code).toBe(2);
    expect(brownout(["--bogus"]).stderr).toMatch(/unknown option '--bogus'; commands are/);
  });

  it("--help on each command", () => {
    for (const c of ["chaos", "list", "dry-run", "images", "engine", "clean", "report", "compare"]) {
      const r = brownout([c, "--help"]);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/^usage: brownout /);
    }
  });

  it("brownout compare: runs side by side from their result.json; an unknown run names the runs there, exit 2", () => {
    const reports = tempDir("compare");
    const dir = join(reports, "scenarios", "pg-primary-down");
    mkdirSync(dir, { recursive: true });
    const result = { name: "pg-primary-down", repeat: 0, profile: "fast", status: "passed", valid: true, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: null, checks: [], artefacts: dir, writes: { acknowledged: 156, lost: 0 }, failoverMs: 1850, boundMs: 2894, recoveryMs: 64 };
    writeFileSync(join(dir, "result.json"), JSON.stringify(result));
    const ok = brownout(["compare", "pg-primary-down", join(dir, "result.json")], { BROWNOUT_REPORTS_DIR: reports });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("| writes lost | 0 of 156 | 0 of 156 |");
    expect(ok.stdout).toContain("| downtime: first failed write to served again / bound | 1850 ms / 2894 ms | 1850 ms / 2894 ms |");
    const bad = brownout(["compare", "pg-primary-dwn"], { BROWNOUT_REPORTS_DIR: reports });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no run 'pg-primary-dwn': .* runs there: pg-primary-down$/m);
    expect(bad.stderr).not.toMatch(STACK);
    expect(brownout(["compare"]).code).toBe(2);
  });

  it("every command's parser names its options on an unknown one, exit 2", () => {
    expect(brownout(["images", "--bogus"])).toMatchObject({ code: 2 });
    expect(brownout(["images", "--bogus"]).stderr).toMatch(/unknown option '--bogus'; options are: --config, --list, --list-tags, --help/);
    expect(brownout(["engine", "--bogus"]).stderr).toMatch(/unknown option '--bogus'; options are: --help/);
    expect(brownout(["report", "--bogus"]).stderr).toMatch(/unknown option '--bogus'; options are: --help/);
    expect(brownout(["bench", "--bogus"])).toMatchObject({ code: 2 });
  });

  it("list and dry-run are commands of their own; an unknown profile names the config's", () => {
    expect(brownout(["list"]).stdout).toBe(`${SCENARIO_NAMES.join("\n")}\n`);
    expect(brownout(["dry-run", "redis-master-down"]).stdout).toMatch(/kill → redis-1/);
    const r = brownout(["chaos", "--profile", "prod", "redis-down"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown profile 'prod'; profiles are: fast, production/);
  });

  it("--config: a missing file, a config with an unknown key, are clear errors", () => {
    expect(brownout(["list", "--config", "nope.config.ts"])).toMatchObject({ code: 2 });
    expect(brownout(["list", "--config", "nope.config.ts"]).stderr).toMatch(/config file 'nope.config.ts' not found/);
    const r = brownout(["list", "--config", "test/fixtures/bad-key.config.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown config key 'scenario'; keys are: name, scenarios, kinds, compose, stack, files, app, profiles, reportsDir, soak/);
    expect(r.stderr).not.toMatch(STACK);
  });
});
