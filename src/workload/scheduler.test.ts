import { afterEach, describe, expect, it, vi } from "vitest";
import { History } from "./history.js";
import { completions } from "./op.js";
import { Scheduler } from "./scheduler.js";

describe("Scheduler (open model)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps its rate while ops are slow, and records an op past its timeout as unknown", async () => {
    // Fake clocks (timers and performance.now): the counts below are exact, whatever the machine's load.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "Date"] });
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
    await vi.advanceTimersByTimeAsync(399);
    const stopped = scheduler.stop();
    await vi.runAllTimersAsync();
    await stopped;
    const ops = completions(history.ops);
    const slow = ops.filter((o) => o.process === "slow");
    const hung = ops.filter((o) => o.process === "hung");
    // Fired at 0, 50, ..., 350 ms: eight each, never held back by the 120 ms answers.
    expect(slow).toHaveLength(8);
    expect(hung).toHaveLength(8);
    // 120 ms ops with an 80 ms timeout: unknown, aborted at the timeout.
    expect(slow.every((o) => o.type === "info" && o.end - o.start === 80)).toBe(true);
    expect(hung.every((o) => o.type === "info" && o.end - o.start === 80)).toBe(true);
    expect(scheduler.lateness().count).toBe(16);
  });
});
