import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../scenario/result.js";
import { comparisonMarkdown, compareRuns } from "./compare.js";

const run = (over: Partial<ScenarioResult>): ScenarioResult => ({
  name: "pg-primary-down",
  repeat: 0,
  status: "passed",
  valid: true,
  durationMs: 12000,
  topologyStartMs: 4000,
  harnessCpuMs: 900,
  probeLatenessP99Ms: 3,
  checks: [],
  artefacts: "reports/scenarios/pg-primary-down",
  ...over,
});

describe("compare: runs side by side", () => {
  it("puts each run's own figures in its column: writes lost, downtime against its bound, recovery, red checks", () => {
    const manual = run({ profile: "production", writes: { acknowledged: 375, lost: 0, kinds: ["product-insert"] }, failoverMs: 4750, boundMs: 12542, recoveryMs: 64 });
    const patroni = run({
      name: "patroni-leader-killed",
      profile: "production",
      status: "failed",
      valid: false,
      writes: { acknowledged: 586, lost: 3 },
      failoverMs: null,
      boundMs: 50150,
      recoveryMs: null,
      checks: [{ name: "no lost item-write", valid: false, detail: "3 lost" }],
    });
    const rows = Object.fromEntries(compareRuns([manual, patroni]).map((r) => [r.what, r.values]));
    expect(rows["writes lost"]).toEqual(["0 of 375 (product-insert)", "3 of 586"]);
    expect(rows["downtime: first failed write to served again / bound"]).toEqual(["4750 ms / 12542 ms", "never / 50150 ms"]);
    expect(rows["recovered after the heal"]).toEqual(["64 ms", "never"]);
    expect(rows["checks red"]).toEqual(["none", "no lost item-write"]);
    expect(rows.status).toEqual(["passed", "failed"]);
  });

  it("says '-' where a run does not measure a figure, names a mutant's column, and keeps the table's cells whole", () => {
    const mutant = run({ name: "redis-down", repeat: 1, mutant: { name: "cache-errors-fail-requests", regression: "a | b", killed: true, by: ["x"], killedByBehaviour: true, byBehaviour: ["x"] }, checks: [{ name: "a|b", valid: false, detail: "" }] });
    const md = comparisonMarkdown([mutant]);
    expect(md.split("\n")[0]).toBe("|  | redis-down #2 × cache-errors-fail-requests |");
    expect(md).toContain("| writes lost | - |");
    expect(md).toContain("| checks red | a\\|b |");
  });
});
