import { describe, expect, it } from "vitest";
import { FaultLedger, activeFault } from "./fault-handle.js";

describe("faults", () => {
  it("heals once, however often heal is called", async () => {
    let undone = 0;
    const f = activeFault("kill x", () => {
      undone++;
      return Promise.resolve();
    });
    expect(f.healed).toBe(false);
    await Promise.all([f.heal(), f.heal()]);
    await f.heal();
    expect(undone).toBe(1);
    expect(f.healed).toBe(true);
  });

  it("settles the faults on a replaced node without running their undo", async () => {
    let undone = 0;
    const ledger = new FaultLedger();
    const undo = () => {
      undone++;
      return Promise.resolve();
    };
    ledger.track(activeFault("kill haproxy", undo, "haproxy"));
    ledger.track(activeFault("kill redis-1", undo, "redis-1"));
    ledger.settle("haproxy");
    expect(ledger.active.map((f) => f.description)).toEqual(["kill redis-1"]);
    await ledger.healAll();
    expect(undone).toBe(1);
  });

  it("heals everything still in force, newest first, and reports heals that failed", async () => {
    const order: string[] = [];
    const ledger = new FaultLedger();
    const a = ledger.track(activeFault("a", () => Promise.resolve(void order.push("a"))));
    ledger.track(activeFault("b", () => Promise.reject(new Error("b would not heal"))));
    ledger.track(activeFault("c", () => Promise.resolve(void order.push("c"))));
    await a.heal();
    const errors = await ledger.healAll();
    expect(order).toEqual(["a", "c"]);
    expect(errors.map((e) => e.message)).toEqual(["b would not heal"]);
    expect(ledger.active.map((f) => f.description)).toEqual(["b"]);
  });
});
