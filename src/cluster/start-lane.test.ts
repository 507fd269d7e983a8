import { describe, expect, it } from "vitest";
import { PriorityLane } from "./start-lane.js";

describe("PriorityLane", () => {
  it("admits up to its slots, then the waiting in rank order, ties in arrival order", async () => {
    const lane = new PriorityLane(1);
    const order: string[] = [];
    const first = await lane.enter(5);
    const queued = [
      ["late-low", 3],
      ["high", 0],
      ["low-a", 2],
      ["low-b", 2],
    ].map(([name, rank]) =>
      lane.enter(rank as number).then((release) => {
        order.push(name as string);
        release();
      }),
    );
    expect(lane.waiting).toBe(4);
    first();
    await Promise.all(queued);
    expect(order).toEqual(["high", "low-a", "low-b", "late-low"]);
  });

  it("never admits more than its slots, and a second release is a no-op", async () => {
    const lane = new PriorityLane(2);
    const a = await lane.enter(0);
    await lane.enter(0);
    let admitted = false;
    const c = lane.enter(0).then(() => {
      admitted = true;
    });
    await Promise.resolve();
    expect(admitted).toBe(false);
    a();
    a();
    await c;
    expect(admitted).toBe(true);
    let fourth = false;
    void lane.enter(0).then(() => {
      fourth = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(fourth).toBe(false);
  });

  it("refuses a lane without slots", () => {
    expect(() => new PriorityLane(0)).toThrow(/at least one slot/);
  });
});
