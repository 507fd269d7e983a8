import { describe, expect, it } from "vitest";
import { until } from "./until.js";

describe("until", () => {
  it("returns the first value, treating undefined and throws as not yet", async () => {
    let n = 0;
    const v = await until("three tries", 1000, () => {
      n++;
      if (n === 1) return Promise.reject(new Error("not up"));
      return Promise.resolve(n === 3 ? "ready" : undefined);
    }, 1);
    expect(v).toBe("ready");
  });

  it("fails at its deadline, naming what it waited for and the last error", async () => {
    await expect(until("redis-2 in sync", 30, () => Promise.reject(new Error("ECONNREFUSED")), 5)).rejects.toThrow(/^redis-2 in sync: not within 30 ms \(ECONNREFUSED\)$/);
  });
});
