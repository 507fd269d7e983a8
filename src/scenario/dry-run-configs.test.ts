import { describe, expect, it } from "vitest";
import { PROFILES } from "../cluster/profiles.js";
import { defineScenario } from "./define.js";
import { describeRendered, renderScenarioConfigs } from "./dry-run-configs.js";

const scenario = defineScenario({
  name: "haproxy-only",
  fault: "none",
  expected: "nothing",
  topology: { slices: ["postgres"] },
  mechanisms: [],
  mutants: [
    { name: "tcp-check", regression: "a plain check", deploy: { patches: [{ file: "haproxy", find: "option httpchk GET /primary", replace: "" }] } },
    { name: "stale-patch", regression: "a patch written against another template", deploy: { patches: [{ file: "haproxy", find: "balance leastconn-that-is-not-there", replace: "" }] } },
  ],
  phases: { steadyMs: 1, faultMs: 1, afterMs: 1, recoveryBoundMs: 1 },
  timeline: [],
  workload: () => Promise.resolve({ probes: [] }),
  inject: () => Promise.resolve([]),
  checks: () => [],
});

describe("the dry run's configs", () => {
  it("renders the plain deployment and each mutant's, and names a mutant whose patch does not apply", () => {
    const r = renderScenarioConfigs(scenario, PROFILES.fast);
    expect(r.files.map((f) => `${f.node}/${f.file}`)).toEqual(["haproxy/haproxy.cfg"]);
    expect(r.files[0]?.text).toContain("option httpchk GET /primary");
    const [ok, stale] = r.mutants;
    expect(ok?.files?.[0]?.text).not.toContain("option httpchk GET /primary");
    expect(stale?.error).toMatch(/config patch for haproxy: 'balance leastconn-that-is-not-there' is not in the rendered config/);
    const lines = describeRendered(r, "reports/dry-run").join("\n");
    expect(lines).toContain("1 of 2 mutants do not render");
    expect(lines).toContain("✗ stale-patch: config patch for haproxy");
  });

  it("uses the profile's timings in what it renders", () => {
    const fast = renderScenarioConfigs(scenario, PROFILES.fast).files[0]?.text ?? "";
    const production = renderScenarioConfigs(scenario, PROFILES.production).files[0]?.text ?? "";
    expect(fast).toMatch(/inter 500/);
    expect(production).toMatch(/inter 2000/);
  });
});
