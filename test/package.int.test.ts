import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../src/report/summary.js";
import { tempDir } from "./temp-dir.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const userProject = fileURLToPath(new URL("./fixtures/user-project/", import.meta.url));
const teamProject = fileURLToPath(new URL("./fixtures/team-project/", import.meta.url));
const echoNode = fileURLToPath(new URL("./fixtures/echo-node/", import.meta.url));

/** The environment npm gives `npm test`, minus what would tie the child npm to this repo's package. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_(package|lifecycle)_/.test(k) && !["npm_config_local_prefix", "INIT_CWD", "BROWNOUT_REPORTS_DIR"].includes(k)),
  );
  return { ...env, ...extra };
}

const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("the package, as a team installs it", () => {
  let project = "";
  let tarballPath = "";
  const brownout = (args: string[]) => {
    const r = spawnSync(join(project, "node_modules", ".bin", "brownout"), args, {
      cwd: project,
      env: cleanEnv({ BROWNOUT_RUN_ID: `pkg-${randomBytes(3).toString("hex")}` }),
      encoding: "utf8",
      timeout: 240_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  };

  // Built, packed and installed once: the tarball into a fresh project outside the repo, with the team's config
  // and scenario (test/fixtures/user-project) beside it, importing from "brownout" only.
  beforeAll(() => {
    npm(["run", "build"], root);
    const dir = tempDir("pkg");
    npm(["pack", "--pack-destination", dir], root);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
    tarballPath = join(dir, tarball);
    project = join(dir, "project");
    cpSync(userProject, project, { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-stack-tests", private: true, type: "module" }));
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tarball)], project);
  }, 300_000);

  it("ships the built JavaScript, declarations, fixtures and the bundled app, and no TypeScript sources", () => {
    const pkg = join(project, "node_modules", "brownout");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { bin: Record<string, string>; exports: Record<string, unknown> };
    expect(manifest.bin.brownout).toBe("dist/src/cli/main.js");
    expect(readdirSync(join(pkg, "dist", "src"))).toContain("index.d.ts");
    expect(readdirSync(join(pkg, "dist", "app"))).toContain("main.cjs");
    expect(readdirSync(join(pkg, "fixtures"))).toEqual(expect.arrayContaining(["images", "haproxy", "caddy", "sql"]));
    expect(readdirSync(pkg)).not.toContain("src");
  });

  it("lists the team's scenario, found by the glob in its config", () => {
    const r = brownout(["list"]);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toBe("catalog-cache-outage\n");
    expect(brownout(["list", "--mutants"]).stdout).toBe("catalog-cache-outage × cache-errors-fail-requests\ncatalog-cache-outage × health-requires-all-deps\n");
  });

  it("prints its timeline in a dry run, under the team's own profile too", () => {
    const r = brownout(["chaos", "catalog-cache-outage", "--dry-run"]);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toMatch(/\+2\.0 s\s+toxic down → app-redis/);
    expect(r.stdout).toMatch(/nothing started/);
    // The team's profile lengthens the dependency timeout, so the fault is held longer.
    expect(brownout(["dry-run", "--profile", "patient"]).stdout).toMatch(/\+4\.5 s\s+heal: proxies enabled → app-redis/);
  });

  it("loads from a fresh `npm init -y` project (CommonJS), and its declarations type-check there with only brownout installed", () => {
    const cjs = join(dirname(project), "cjs-project");
    cpSync(userProject, cjs, { recursive: true });
    npm(["init", "-y"], cjs);
    expect((JSON.parse(readFileSync(join(cjs, "package.json"), "utf8")) as { type?: string }).type ?? "commonjs").toBe("commonjs");
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", tarballPath], cjs);
    const r = spawnSync(join(cjs, "node_modules", ".bin", "brownout"), ["list"], { cwd: cjs, env: cleanEnv(), encoding: "utf8", timeout: 120_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toBe("catalog-cache-outage\n");
    // The team's tsc, strict, on its config and scenarios: Brownout's declarations bring the types they expose.
    writeFileSync(join(cjs, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: false }, include: ["**/*.ts"], exclude: ["node_modules"] }));
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", cjs], { cwd: cjs, encoding: "utf8", timeout: 120_000 });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
  });

  it("a fresh CommonJS project whose stack is its compose file, one service run by a node kind of its own: a fault on it, its mutants killed", { timeout: 400_000 }, () => {
    const team = join(dirname(project), "team-project");
    cpSync(teamProject, team, { recursive: true });
    // Its echo service's build context: the same small service the generic node's test builds.
    cpSync(echoNode, join(team, "echo"), { recursive: true });
    npm(["init", "-y"], team);
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", tarballPath], team);
    const run = (args: string[]) => spawnSync(join(team, "node_modules", ".bin", "brownout"), args, { cwd: team, env: cleanEnv({ BROWNOUT_RUN_ID: `pkg-${randomBytes(3).toString("hex")}` }), encoding: "utf8", timeout: 300_000 });
    expect(run(["list", "--mutants"]).stdout).toBe("counter-restart × counter-in-memory\ncounter-restart × counter-slow-replies\n");
    // The declared nodes in the dry run (their settings checked before any engine), and their images built ahead.
    expect(run(["dry-run"]).stdout).toMatch(/nodes: {4}toxiproxy \(toxiproxy\), counter \(counter\), echo \(generic\)/);
    const images = run(["images", "--config", "brownout.config.ts"]);
    expect(images.status, images.stderr).toBe(0);
    expect(images.stderr).toMatch(/node counter \(counter\): localhost\/brownout-stack-node-counter-[0-9a-f]{8}:/);
    const plain = run(["chaos"]);
    expect(plain.status, `${plain.stdout}${plain.stderr}`.slice(-3000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(team, "reports", "summary.json"), "utf8")) as Summary;
    expect(summary.scenarios.map((s) => [s.name, s.status])).toEqual([["counter-restart", "passed"]]);
    const mutants = run(["chaos", "--mutants"]);
    expect(mutants.status, `${mutants.stdout}${mutants.stderr}`.slice(-3000)).toBe(0);
    expect(mutants.stdout).toMatch(/mutants: 2 of 2 killed by a behavioural check/);
    writeFileSync(join(team, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: false }, include: ["**/*.ts"], exclude: ["node_modules"] }));
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", team], { cwd: team, encoding: "utf8", timeout: 120_000 });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
  });

  it("runs it on real containers and passes; its mutants are killed", { timeout: 300_000 }, () => {
    const r = brownout(["chaos", "catalog-cache-outage"]);
    expect(r.code, r.out.slice(-3000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(project, "reports", "summary.json"), "utf8")) as Summary;
    expect(summary.scenarios.map((s) => [s.name, s.status])).toEqual([["catalog-cache-outage", "passed"]]);
    // The team's own op kind reached the checks.
    expect(summary.scenarios[0]?.checks.map((c) => c.name)).toContain("no failed catalog-read during the whole run");
    const m = brownout(["chaos", "--mutants"]);
    expect(m.code, m.out.slice(-3000)).toBe(0);
    expect(m.stdout).toMatch(/mutants: 2 of 2 killed/);
  });
});
