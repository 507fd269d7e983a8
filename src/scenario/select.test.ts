import { describe, expect, it } from "vitest";
import { parseChaosArgs } from "../cli/chaos-args.js";
import { UserError } from "../cli/errors.js";
import { mutationScore, summaryTable } from "../report/summary.js";
import { describeScenario } from "./dry-run.js";
import { seeded } from "./random.js";
import { SCENARIOS, SCENARIO_NAMES, scenarioByName } from "./registry.js";
import { headline } from "./result.js";
import { parseShard, selectMutants, selectScenarios, shardOf } from "./select.js";
import { renderCaddyfile } from "../cluster/caddy.js";
import { renderHaproxyConfig } from "../cluster/haproxy.js";
import { mergeSpecOptions, resolveSpec } from "../cluster/topology.js";
import { PROFILES } from "../cluster/profiles.js";
import { phasesFor } from "./define.js";

describe("scenario selection", () => {
  it("registers named scenarios, names unique, each with a timeline, its mechanisms and at least two mutants", () => {
    expect(SCENARIO_NAMES.length).toBeGreaterThan(0);
    expect(new Set(SCENARIO_NAMES).size).toBe(SCENARIO_NAMES.length);
    for (const s of SCENARIOS) {
      expect(s.timeline.length, s.name).toBeGreaterThan(0);
      expect(s.mutants.length, `${s.name} declares ${String(s.mutants.length)} mutant(s)`).toBeGreaterThanOrEqual(2);
      expect(new Set(s.mutants.map((m) => m.name)).size, s.name).toBe(s.mutants.length);
    }
  });

  it("every mutant deploys: its spec resolves and its config patches apply to the rendered configs", () => {
    const pairs = selectMutants(SCENARIOS, null);
    expect(pairs.length).toBeGreaterThanOrEqual(2 * SCENARIOS.length);
    for (const { scenario, mutant } of pairs) {
      const spec = resolveSpec(mergeSpecOptions(scenario.topology, mutant.deploy));
      const label = `${scenario.name} × ${mutant.name}`;
      // Rendering throws when a patch's text is not in the config it edits.
      if (spec.patches.some((p) => p.file === "haproxy")) expect(renderHaproxyConfig(spec), label).not.toBe(renderHaproxyConfig(resolveSpec(scenario.topology)));
      if (spec.patches.some((p) => p.file === "caddy")) expect(renderCaddyfile(spec), label).not.toBe(renderCaddyfile(resolveSpec(scenario.topology)));
      expect(JSON.stringify(spec), label).not.toBe(JSON.stringify(resolveSpec(scenario.topology)));
    }
  });

  it("selects mutants by name and names the valid ones on a typo", () => {
    const scenarios = [
      { name: "a", mutants: [{ name: "m1" }, { name: "m2" }] },
      { name: "b", mutants: [{ name: "m2" }, { name: "m3" }] },
    ];
    expect(selectMutants(scenarios, null).map((p) => `${p.scenario.name}×${p.mutant.name}`)).toEqual(["a×m1", "a×m2", "b×m2", "b×m3"]);
    expect(selectMutants(scenarios, ["m2"]).map((p) => p.scenario.name)).toEqual(["a", "b"]);
    expect(() => selectMutants(scenarios, ["m9"])).toThrow(/unknown mutant 'm9' for these scenarios; their mutants are:\n {2}m1\n {2}m2\n {2}m3/);
  });

  it("keeps registry order, and names the valid ones on a typo", () => {
    expect(selectScenarios(["a", "b", "c"], ["c", "a"])).toEqual(["a", "c"]);
    expect(selectScenarios(["a", "b"], [])).toEqual(["a", "b"]);
    expect(() => selectScenarios(["a", "b"], ["x"])).toThrow(UserError);
    expect(() => selectScenarios(["a", "b"], ["x"])).toThrow(/unknown scenario 'x'; scenarios are:\n {2}a\n {2}b/);
  });

  it("shards deterministically, every scenario in exactly one shard", () => {
    const all = ["a", "b", "c", "d", "e"];
    const parts = [1, 2].map((i) => shardOf(all, { index: i, count: 2 }));
    expect(parts).toEqual([["a", "c", "e"], ["b", "d"]]);
    expect(() => parseShard("0/2")).toThrow(/must be i\/n/);
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
  });

  it("parses the CLI's flags", () => {
    expect(parseChaosArgs(["redis-down", "--repeat", "3", "--seed=7", "--shard", "1/2"])).toMatchObject({ names: ["redis-down"], repeat: 3, seed: 7, shard: { index: 1, count: 2 }, mutants: null });
    expect(parseChaosArgs(["--mutants", "redis-down"])).toMatchObject({ names: ["redis-down"], mutants: { only: null } });
    expect(parseChaosArgs(["--mutants=cache-no-ttl, no-dep-timeout"])).toMatchObject({ mutants: { only: ["cache-no-ttl", "no-dep-timeout"] } });
    expect(() => parseChaosArgs(["--mutants="])).toThrow(/--mutants= needs mutant names/);
    expect(() => parseChaosArgs(["--repeat"])).toThrow(/--repeat needs an integer/);
  });

  it("replays the same choices from the same seed", () => {
    const a = seeded(42);
    const b = seeded(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seeded(1)()).not.toBe(seeded(2)());
  });

  it("parses --profile and names the valid ones on a typo", () => {
    expect(parseChaosArgs([]).profile).toBe("fast");
    expect(parseChaosArgs(["--profile", "production"]).profile).toBe("production");
    expect(() => parseChaosArgs(["--profile", "prod"])).toThrow(/unknown profile 'prod'; profiles are: fast, production/);
  });

  it("the production profile renders the seed stack's own Caddy block, timings substituted, and scales the phases", () => {
    const spec = resolveSpec(mergeSpecOptions(PROFILES.production.options, {}));
    const caddy = renderCaddyfile(spec);
    for (const line of ["lb_policy first", "health_uri /health", "health_interval 10000ms", "health_timeout 5000ms", "health_status 200", "fail_duration 30000ms", "max_fails 3"]) expect(caddy).toContain(line);
    expect(caddy.split("\n").filter((l) => !l.trim().startsWith("#")).join("\n")).not.toMatch(/lb_try_duration|dial_timeout/);
    expect(renderHaproxyConfig(spec)).toContain("inter 2000ms fastinter 2000ms downinter 2000ms fall 3 rise 2");
    const site = scenarioByName("site-gra-down");
    if (!site) throw new Error("site-gra-down is not registered");
    const fast = phasesFor(site, resolveSpec(site.topology));
    const prod = phasesFor(site, resolveSpec(mergeSpecOptions(PROFILES.production.options, site.topology)));
    // Held past Caddy's slower detection, watched until fail_duration has aged out.
    expect(prod.faultMs).toBeGreaterThan(fast.faultMs);
    expect(prod.afterMs).toBeGreaterThanOrEqual(spec.timings.caddy.failDurationMs + spec.timings.caddy.healthIntervalMs);
    expect(describeScenario(site, PROFILES.production)).toMatch(/profile production/);
  });

  it("describes a scenario's plan for the dry run", () => {
    const text = describeScenario(SCENARIOS.find((s) => s.name === "pg-primary-down") ?? (SCENARIOS[0] as never));
    expect(text).toMatch(/\+3\.0 s\s+pg_promote\(\) → pg-replica/);
    // The heal at the end of the fault phase, whatever the profile makes it.
    expect(text).toMatch(/\+6\.4 s\s+heal: none/);
  });
});

describe("summary", () => {
  it("takes the headline figures from the checks and prints them in the table", () => {
    const checks = [
      { name: "failover session-read", valid: true as const, detail: "", figures: { failoverMs: 1350, resolutionMs: 50 } },
      { name: "recovery", valid: true as const, detail: "", figures: { recoveryMs: 2100 } },
      { name: "sessions", valid: true as const, detail: "", figures: { kept: 3, lost: 0 } },
      { name: "no lost item-write", valid: false as const, detail: "", figures: { acknowledged: 40, lost: 2 } },
    ];
    const h = headline(checks);
    expect(h).toEqual({ failoverMs: 1350, resolutionMs: 50, recoveryMs: 2100, sessions: { kept: 3, lost: 0 }, writes: { acknowledged: 40, lost: 2 } });
    const table = summaryTable([{ name: "x", repeat: 0, status: "failed", valid: false, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts: "", ...h }]);
    expect(table).toMatch(/x\s+failed\s+1350 ms ±50\s+2100 ms\s+-\s+3\/0\s+2 of 40/);
  });

  it("reports the failover's bound beside it, and the kill rate of a mutation run", () => {
    const checks = [{ name: "failover item-write", valid: false as const, detail: "", figures: { failoverMs: 2600, resolutionMs: 50, boundMs: 2350 } }];
    const base = { repeat: 0, valid: false as const, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts: "", ...headline(checks) };
    const rows = [
      { ...base, name: "x", status: "failed" as const, mutant: { name: "m1", regression: "", killed: true, by: ["failover item-write"] } },
      { ...base, name: "x", status: "passed" as const, mutant: { name: "m2", regression: "", killed: false, by: [] } },
    ];
    expect(summaryTable(rows)).toMatch(/x\s+m1\s+failover item-write\s+failed\s+2600 ms ±50 \(2350\)/);
    expect(summaryTable(rows)).toMatch(/x\s+m2\s+SURVIVED\s+passed/);
    expect(mutationScore(rows)).toEqual({ total: 2, killed: 1, killRate: 0.5, survived: ["x × m2 (passed)"] });
    expect(mutationScore([{ ...base, name: "y", status: "passed" }])).toBeNull();
  });
});
