import { describe, expect, it } from "vitest";
import { History } from "./history.js";
import { completions } from "./op.js";
import { Scheduler } from "./scheduler.js";

describe("Scheduler (open model)", () => {
  it("keeps its rate while ops are slow, and records an op past its timeout as unknown", async () => {
    const history = new History();
    const scheduler = new Scheduler(
      history,
      [
        {
          name: "slow",
          f: "product-read",
          // Every op takes 120 ms: a closed loop would manage 3 in 400 ms, the open model fires 8.
          run: (_, signal) =>
            new Promise((resolve) => {
              const t = setTimeout(() => { resolve({ type: "ok" }); }, 120);
              signal.addEventListener("abort", () => { clearTimeout(t); });
            }),
        },
        { name: "hung", f: "health", run: () => new Promise(() => undefined) },
      ],
      { intervalMs: 50, timeoutMs: 80 },
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 400));
    await scheduler.stop();
    const ops = completions(history.ops);
    const slow = ops.filter((o) => o.process === "slow");
    expect(slow.length).toBeGreaterThanOrEqual(7);
    expect(slow.length).toBeLessThanOrEqual(9);
    // 120 ms ops with an 80 ms timeout: unknown, aborted.
    expect(slow.every((o) => o.type === "info")).toBe(true);
    expect(ops.filter((o) => o.process === "hung").every((o) => o.type === "info" && o.end - o.start < 200)).toBe(true);
    expect(scheduler.lateness().count).toBeGreaterThan(10);
  });
});
