import { describe, expect, it } from "vitest";
import { parseChaosArgs } from "../cli/chaos-args.js";
import { UserError } from "../errors.js";
import { mutationScore, summaryTable } from "../report/summary.js";
import { seeded } from "./random.js";
import { headline, mutantOutcome } from "./result.js";
import { parseShard, selectMutants, selectScenarios, shardOf } from "./select.js";

describe("scenario selection", () => {
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
    expect(() => parseChaosArgs(["--repeat"])).toThrow(/option '--repeat <value>' argument missing/);
    expect(() => parseChaosArgs(["--repeat", "0"])).toThrow(/--repeat needs an integer ≥ 1, got '0'/);
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
    expect(parseChaosArgs(["--profile", "mine", "--config", "x.ts"])).toMatchObject({ profile: "mine", config: "x.ts" });
    expect(() => parseChaosArgs(["--fast"])).toThrow(/unknown option '--fast'; options are: --config, --list/);
  });

});

describe("summary", () => {
  it("takes the headline figures from the checks and prints them in the table", () => {
    const checks = [
      { name: "failover session-read", valid: true as const, detail: "", figures: { failoverMs: 1350, resolutionMs: 50 } },
      { name: "recovery", valid: true as const, detail: "", figures: { recoveryMs: 2100 } },
      { name: "sessions", valid: true as const, detail: "", figures: { kept: 3, lost: 0 } },
      { name: "no lost item-write", valid: false as const, detail: "", figures: { acknowledged: 40, lost: 2, writes: "item-write" } },
    ];
    const h = headline(checks);
    expect(h).toEqual({ failoverMs: 1350, resolutionMs: 50, recoveryMs: 2100, sessions: { kept: 3, lost: 0 }, writes: { acknowledged: 40, lost: 2, kinds: ["item-write"] } });
    const table = summaryTable([{ name: "x", repeat: 0, status: "failed", valid: false, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts: "", ...h }]);
    // The writes column names the op kinds it counts (a finding of another kind has its own column).
    expect(table).toMatch(/x\s+failed\s+1350 ms ±50\s+2100 ms\s+-\s+3\/0\s+2 of 40 item-write/);
  });

  it("carries a documented weakness's figures as findings, in the table's last column", () => {
    const checks = [
      { name: "acknowledged writes on the isolated master lost", valid: true as const, detail: "", figures: { lostWrites: 30, lostFromMs: 253, acknowledged: 133 } },
      { name: "no divergence", valid: true as const, detail: "", figures: { divergentRows: 4 } },
    ];
    const h = headline(checks);
    expect(h.findings).toEqual({ lostWrites: 30, lostFromMs: 253, divergentRows: 4 });
    const table = summaryTable([{ name: "split", repeat: 0, status: "passed", valid: true, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts: "", ...h }]);
    expect(table).toMatch(/findings\n/);
    expect(table).toMatch(/split\s+passed.*lostWrites=30 lostFromMs=253 divergentRows=4/);
  });

  it("reports the failover's bound beside it, and the kill rate of a mutation run", () => {
    const checks = [{ name: "failover item-write", valid: false as const, detail: "", figures: { failoverMs: 2600, resolutionMs: 50, boundMs: 2350 } }];
    const base = { repeat: 0, valid: false as const, durationMs: 1, topologyStartMs: 1, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts: "", ...headline(checks) };
    const rows = [
      { ...base, name: "x", status: "failed" as const, mutant: { name: "m1", regression: "", killed: true, by: ["failover item-write"], killedByBehaviour: true, byBehaviour: ["failover item-write"] } },
      { ...base, name: "x", status: "passed" as const, mutant: { name: "m2", regression: "", killed: false, by: [], killedByBehaviour: false, byBehaviour: [] } },
      { ...base, name: "x", status: "failed" as const, mutant: { name: "m3", regression: "", killed: true, by: ["mechanism: Sentinel as configured"], killedByBehaviour: false, byBehaviour: [] } },
    ];
    expect(summaryTable(rows)).toMatch(/x\s+m1\s+failover item-write\s+failed\s+2600 ms ±50 \(2350\)/);
    expect(summaryTable(rows)).toMatch(/x\s+m2\s+SURVIVED\s+passed/);
    expect(summaryTable(rows)).toMatch(/x\s+m3\s+read-back only: mechanism: Sentinel as configured\s+failed/);
    // The kill rate counts behavioural kills only: a mutant only a read-back control caught is reported apart.
    expect(mutationScore(rows)).toEqual({ total: 3, killed: 2, killedByBehaviour: 1, killRate: 0.333, readbackOnly: ["x × m3"], survived: ["x × m2 (passed)"] });
    expect(mutationScore([{ ...base, name: "y", status: "passed" }])).toBeNull();
  });
});

describe("a mutant's row", () => {
  const m = { name: "m", regression: "r" };
  const gate = [{ name: "steady-state hypothesis before the fault", kind: "control" as const, valid: false as const, detail: "" }];
  const readback = [{ name: "mechanism: x as configured", kind: "control" as const, valid: false as const, detail: "", readsBack: true as const }];
  it("counts a stack the gate found not steady (failed) as killed, by behaviour", () => {
    expect(mutantOutcome(m, "failed", gate)).toMatchObject({ killed: true, killedByBehaviour: true, byBehaviour: ["steady-state hypothesis before the fault"] });
  });
  it("counts a kill by a read-back control alone apart", () => {
    expect(mutantOutcome(m, "failed", readback)).toMatchObject({ killed: true, killedByBehaviour: false, by: ["mechanism: x as configured"], byBehaviour: [] });
  });
  it("never counts a broken run (the harness's trouble) as a kill", () => {
    expect(mutantOutcome(m, "broken", gate)).toMatchObject({ killed: false, killedByBehaviour: false });
  });
});
