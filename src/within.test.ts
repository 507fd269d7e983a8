import { describe, expect, it } from "vitest";
import { within } from "./within.js";

describe("within: an answer, or a rejection once the time is up", () => {
  it("passes an answer that comes in time through, and its rejection", async () => {
    await expect(within(Promise.resolve(7), 1000, "ask")).resolves.toBe(7);
    await expect(within(Promise.reject(new Error("refused")), 1000, "ask")).rejects.toThrow("refused");
  });

  it("rejects an answer that does not come, naming what was asked when told", async () => {
    const never = new Promise<never>(() => undefined);
    await expect(within(never, 20, "basic.consume")).rejects.toThrow("basic.consume: no answer within 20 ms");
    await expect(within(never, 20)).rejects.toThrow(/^no answer within 20 ms$/);
  });
});
