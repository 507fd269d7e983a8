import { describe, expect, it } from "vitest";
import { bound, slowest } from "../assertions/bound.js";
import { FACTS_QUERY_TIMEOUT_MS, resolveSpec, VERIFY_PAUSE_MS } from "../cluster/topology.js";
import { PROFILES } from "../cluster/profiles.js";
import { phasesFor, recoveredInTime, type Evidence } from "./define.js";
import { haproxySeesUp, recoveryBound } from "./recovery-bounds.js";

const spec = resolveSpec();

describe("recovery bounds", () => {
  it("count parallel mechanisms once, by the slowest", () => {
    const t = slowest({ a: bound(["x", 300]), b: bound(["y", 1200], ["z", 100]) });
    expect(t[1]).toBe(1300);
    expect(t[0]).toContain("a (300 ms)");
    expect(() => slowest({})).toThrow(/at least one/);
  });

  it("end with verify() seeing the stack: a look meeting a node not back yet, the pause, one look", () => {
    const b = recoveryBound(spec, ["restart", 1000]);
    expect(b.ms).toBe(1000 + FACTS_QUERY_TIMEOUT_MS + VERIFY_PAUSE_MS + spec.margins.factsLookMs);
    expect(b.derivation).toMatch(/^\d+ ms = restart 1000 \+ a look meeting a node not back yet/);
  });

  it("follow the profile's timings (HAProxy's production checks take longer to see a server back)", () => {
    const production = resolveSpec(PROFILES.production.options);
    expect(haproxySeesUp(production).ms).toBeGreaterThan(haproxySeesUp(spec).ms);
    const h = production.timings.haproxy;
    expect(haproxySeesUp(production).ms).toBe(h.downInterMs + h.interMs * (h.rise - 1) + h.checkTimeoutMs * (h.rise + 1) + production.margins.probeIntervalMs + production.margins.schedulerLatenessMs);
  });

  it("a derived recovery bound becomes the phase's recoveryBoundMs, and the check shows its derivation", () => {
    const derived = recoveryBound(spec, ...[["server start", 700] as const]);
    const phases = phasesFor({ phases: () => ({ steadyMs: 1, faultMs: 1, afterMs: 1, recovery: derived }) }, spec);
    expect(phases.recoveryBoundMs).toBe(derived.ms);
    const e = { at: { heal: 1000, steadyAt: 1000 + derived.ms + 1 }, recoveryProblems: [], phases } as unknown as Evidence;
    const late = recoveredInTime(e);
    expect(late.valid).toBe(false);
    expect(late.detail).toContain("server start 700");
    const onTime = recoveredInTime({ ...e, at: { ...e.at, steadyAt: 1000 + derived.ms } });
    expect(onTime.valid).toBe(true);
  });
});
