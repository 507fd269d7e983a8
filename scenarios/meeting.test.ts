import { describe, expect, it } from "vitest";
import { renderCaddyfile } from "../src/kinds/caddy/node.js";
import { renderHaproxyConfig } from "../src/kinds/haproxy/node.js";
import { describeScenario, mergeSpecOptions, phasesFor, PROFILES, resolveSpec, ScenarioRegistry } from "../src/index.js";
import { selectMutants } from "../src/scenario/select.js";
import { MEETING_SCENARIOS } from "./index.js";

// The meeting stack's scenarios as data (no engine): registered, each with a timeline, mechanisms and mutants
// that deploy, and plans that derive from the profile's timings.
const MEETING = new ScenarioRegistry(MEETING_SCENARIOS);

describe("the meeting stack's scenarios", () => {
  it("registers named scenarios, names unique, each with a timeline, its mechanisms and at least two mutants", () => {
    expect(MEETING.names.length).toBeGreaterThan(0);
    expect(new Set(MEETING.names).size).toBe(MEETING.names.length);
    for (const s of MEETING.scenarios) {
      expect(s.timeline.length, s.name).toBeGreaterThan(0);
      expect(s.mutants.length, `${s.name} declares ${String(s.mutants.length)} mutant(s)`).toBeGreaterThanOrEqual(2);
      expect(new Set(s.mutants.map((m) => m.name)).size, s.name).toBe(s.mutants.length);
    }
  });


  it("every mutant deploys: its spec resolves and its config patches apply to the rendered configs", () => {
    const pairs = selectMutants(MEETING.scenarios, null);
    expect(pairs.length).toBeGreaterThanOrEqual(2 * MEETING.scenarios.length);
    for (const { scenario, mutant } of pairs) {
      const spec = resolveSpec(mergeSpecOptions(scenario.topology, mutant.deploy));
      const label = `${scenario.name} × ${mutant.name}`;
      // Rendering throws when a patch's text is not in the config it edits.
      if (spec.patches.some((p) => p.file === "haproxy")) expect(renderHaproxyConfig(spec), label).not.toBe(renderHaproxyConfig(resolveSpec(scenario.topology)));
      if (spec.patches.some((p) => p.file === "caddy")) expect(renderCaddyfile(spec), label).not.toBe(renderCaddyfile(resolveSpec(scenario.topology)));
      expect(JSON.stringify(spec), label).not.toBe(JSON.stringify(resolveSpec(scenario.topology)));
    }
  });


  it("the production profile renders the seed stack's own Caddy block, timings substituted, and scales the phases", () => {
    const spec = resolveSpec(mergeSpecOptions(PROFILES.production.options, {}));
    const caddy = renderCaddyfile(spec);
    for (const line of ["lb_policy first", "health_uri /health", "health_interval 10000ms", "health_timeout 5000ms", "health_status 200", "fail_duration 30000ms", "max_fails 3"]) expect(caddy).toContain(line);
    expect(caddy.split("\n").filter((l) => !l.trim().startsWith("#")).join("\n")).not.toMatch(/lb_try_duration|dial_timeout/);
    expect(renderHaproxyConfig(spec)).toContain("inter 2000ms fastinter 2000ms downinter 2000ms fall 3 rise 2");
    const site = MEETING.byName("site-gra-down");
    if (!site) throw new Error("site-gra-down is not registered");
    const fast = phasesFor(site, resolveSpec(site.topology));
    const prod = phasesFor(site, resolveSpec(mergeSpecOptions(PROFILES.production.options, site.topology)));
    // Held past Caddy's slower detection, watched until fail_duration has aged out.
    expect(prod.faultMs).toBeGreaterThan(fast.faultMs);
    expect(prod.afterMs).toBeGreaterThanOrEqual(spec.timings.caddy.failDurationMs + spec.timings.caddy.healthIntervalMs);
    expect(describeScenario(site, PROFILES.production)).toMatch(/profile production/);
  });


  it("describes a scenario's plan for the dry run", () => {
    const text = describeScenario(MEETING.scenarios.find((s) => s.name === "pg-primary-down") ?? (MEETING.scenarios[0] as never));
    expect(text).toMatch(/\+2\.0 s\s+pg_promote\(\) → pg-replica/);
    // The heal at the end of the fault phase, whatever the profile makes it.
    expect(text).toMatch(/\+4\.4 s\s+heal: none/);
  });
});
