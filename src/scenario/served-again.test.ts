import { describe, expect, it } from "vitest";
import { series } from "../assertions/testing.js";
import { servedAgainAt } from "./define.js";

describe("servedAgainAt: when a failover's op kind was served again", () => {
  it("is the end of the first ok begun after the first failure from the fault on", () => {
    const ops = series("item-write", 0, 3000, 100, (t) => (t >= 1000 && t < 2000 ? "fail" : "ok"));
    const at = servedAgainAt(ops, "item-write", 500);
    expect(at).not.toBeNull();
    expect(at).toBeGreaterThanOrEqual(2000);
    expect(at).toBeLessThan(2200);
  });

  it("is null while nothing failed (a fault not felt is held the whole phase), or nothing succeeded since", () => {
    expect(servedAgainAt(series("item-write", 0, 3000, 100, () => "ok"), "item-write", 0)).toBeNull();
    expect(servedAgainAt(series("item-write", 0, 3000, 100, (t) => (t >= 1000 ? "fail" : "ok")), "item-write", 500)).toBeNull();
    // Failures of another op kind, or before the fault, do not count.
    expect(servedAgainAt(series("item-write", 0, 3000, 100, (t) => (t < 400 ? "fail" : "ok")), "item-write", 500)).toBeNull();
    expect(servedAgainAt(series("pool-write", 0, 3000, 100, (t) => (t >= 1000 && t < 2000 ? "fail" : "ok")), "item-write", 0)).toBeNull();
  });
});
