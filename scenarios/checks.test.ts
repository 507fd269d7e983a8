import { describe, expect, it } from "vitest";
import { type Completed, resolveSpec } from "../src/index.js";
import { FLAP_CYCLES, invalidationWorked } from "./bounds.js";
import { falseFailovers } from "./packet-loss.js";

let id = 0;
const role = (t: number, note: string): Completed => ({ id: id++, process: "roles", f: "sentinel-master", type: "ok", start: t, end: t + 1, value: { note } });
const spec = resolveSpec({});

describe("the meeting stack's own checks, fed the case their wording excludes", () => {
  it("false failovers: counted, and false past what the detector's timers allow", () => {
    const limit = { cycle: FLAP_CYCLES.sentinel(spec), perCycle: 1, windowMs: 2000 };
    const calm = [role(0, "redis-1"), role(500, "redis-1"), role(1500, "redis-2")];
    expect(falseFailovers(calm, "sentinel-master", "the master", limit).valid).toBe(true);
    const flapping = [0, 200, 400, 600, 800].map((t, i) => role(t, i % 2 ? "redis-2" : "redis-1"));
    const r = falseFailovers(flapping, "sentinel-master", "the master", limit);
    expect(r.valid).toBe(false);
    expect(r.figures).toMatchObject({ falseFailovers: 4, falseFailoversMax: 2 });
    expect(falseFailovers([], "sentinel-master", "the master", limit).valid).toBe("unknown");
  });

  it("invalidation: false when a write said invalidated and the next read still hit the old entry", () => {
    const w = (t: number, version: number): Completed => ({ id: id++, process: "w", f: "product-write", type: "ok", start: t, end: t + 5, value: { key: "p", version, note: "cache:invalidated" } });
    const r = (t: number, version: number, source: "cache" | "replica"): Completed => ({ id: id++, process: "r", f: "product-read", type: "ok", start: t, end: t + 2, value: { key: "p", version, source } });
    expect(invalidationWorked({ ops: [r(0, 1, "replica"), w(10, 2), r(20, 2, "replica"), r(30, 2, "cache")], spec }).valid).toBe(true);
    expect(invalidationWorked({ ops: [r(0, 1, "replica"), w(10, 2), r(20, 1, "cache")], spec }).valid).toBe(false);
    // Only a write with nothing read after it: nothing seen gone.
    expect(invalidationWorked({ ops: [w(10, 2)], spec }).valid).toBe(false);
  });
});
