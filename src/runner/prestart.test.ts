import { describe, expect, it } from "vitest";
import type { StartedTopology } from "../stack/index.js";
import { Prestarts } from "./prestart.js";

/** A started topology that only records its removal. */
function fakeStarts() {
  const started: string[] = [];
  const removed: string[] = [];
  const start = (spec: { composeProfiles?: readonly string[] }) => {
    const name = spec.composeProfiles?.[0] ?? "?";
    started.push(name);
    if (name === "broken") return Promise.reject(new Error("the engine refused"));
    return Promise.resolve({ [Symbol.asyncDispose]: () => { removed.push(name); return Promise.resolve(); } } as unknown as StartedTopology);
  };
  return { start, started, removed };
}

describe("Prestarts: the next run's topology, started while the current one ends", () => {
  it("hands the topology to the run it was started for, once", async () => {
    const f = fakeStarts();
    const p = new Prestarts(f.start);
    p.start("b", { composeProfiles: ["b"] });
    expect(p.take("b")).toBeInstanceOf(Promise);
    expect(p.take("b")).toBeUndefined();
    await p.dispose();
    expect(f.removed).toEqual([]);
  });

  it("starts one at a time: a second start while one is pending does nothing", () => {
    const f = fakeStarts();
    const p = new Prestarts(f.start);
    p.start("b", { composeProfiles: ["b"] });
    p.start("c", { composeProfiles: ["c"] });
    expect(f.started).toEqual(["b"]);
  });

  it("removes a topology no run took: at dispose, or when another run asks (the one it was for was skipped)", async () => {
    const f = fakeStarts();
    const p = new Prestarts(f.start);
    p.start("b", { composeProfiles: ["b"] });
    await p.dispose();
    expect(f.removed).toEqual(["b"]);
    p.start("c", { composeProfiles: ["c"] });
    expect(p.take("d")).toBeUndefined();
    await expect.poll(() => f.removed).toEqual(["b", "c"]);
  });

  it("a start that failed is the taking run's error, and never an unhandled rejection before", async () => {
    const f = fakeStarts();
    const p = new Prestarts(f.start);
    p.start("x", { composeProfiles: ["broken"] });
    await new Promise((r) => setTimeout(r, 10));
    await expect(p.take("x")).rejects.toThrow("the engine refused");
    p.start("y", { composeProfiles: ["broken"] });
    await p.dispose();
  });
});
