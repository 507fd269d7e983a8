import { describe, expect, it } from "vitest";
import { ratio, summarize } from "./stats.js";

describe("bench stats", () => {
  it("takes the median of odd and even sample counts", () => {
    expect(summarize([5, 1, 3], "ms")).toEqual({ median: 3, min: 1, max: 5, unit: "ms", runs: 3 });
    expect(summarize([4, 1, 3, 2], "ms").median).toBe(2.5);
  });

  it("refuses to summarise nothing rather than report a made-up figure", () => {
    expect(() => summarize([], "ms")).toThrow(/no samples/);
  });

  it("divides medians for a ratio", () => {
    const r = ratio(summarize([300, 350, 400], "ms"), summarize([1000, 1200, 1400], "ms"));
    expect(r.median).toBeCloseTo(350 / 1200, 3);
    expect(r.unit).toBe("ratio");
  });
});
