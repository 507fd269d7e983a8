import { describe, expect, it } from "vitest";
import { parseChaosArgs } from "../cli/chaos-args.js";
import { UserError } from "../cli/errors.js";
import { summaryTable } from "../report/summary.js";
import { describeScenario } from "./dry-run.js";
import { seeded } from "./random.js";
import { SCENARIOS, SCENARIO_NAMES } from "./registry.js";
import { headline } from "./result.js";
import { parseShard, selectScenarios, shardOf } from "./select.js";

describe("scenario selection", () => {
  it("registers twelve named scenarios plus the synchronous variant, names unique", () => {
    expect(SCENARIO_NAMES).toHaveLength(13);
    expect(new Set(SCENARIO_NAMES).size).toBe(13);
    for (const s of SCENARIOS) expect(s.timeline.length, s.name).toBeGreaterThan(0);
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
    expect(parseChaosArgs(["redis-down", "--repeat", "3", "--seed=7", "--shard", "1/2"])).toMatchObject({ names: ["redis-down"], repeat: 3, seed: 7, shard: { index: 1, count: 2 } });
    expect(() => parseChaosArgs(["--repeat"])).toThrow(/--repeat needs an integer/);
  });

  it("replays the same choices from the same seed", () => {
    const a = seeded(42);
    const b = seeded(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seeded(1)()).not.toBe(seeded(2)());
  });

  it("describes a scenario's plan for the dry run", () => {
    const text = describeScenario(SCENARIOS.find((s) => s.name === "pg-primary-down") ?? (SCENARIOS[0] as never));
    expect(text).toMatch(/\+3\.0 s\s+pg_promote\(\) → pg-replica/);
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
});
