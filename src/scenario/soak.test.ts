import { describe, expect, it } from "vitest";
import { parseDuration } from "../cli/chaos-args.js";
import { kill, partition, toxic } from "../faults/spec.js";
import type { Evidence } from "./define.js";
import { faultWindows } from "./nemesis.js";
import { perFaultWindow, type SoakFault, soakSchedule, soakTimeline } from "./soak.js";

const CATALOG: SoakFault[] = [
  { fault: toxic("app-redis", { type: "down" }), weight: 3, holdMs: [1000, 3000], roles: ["app-redis"], settleMs: 500 },
  { fault: kill("pg-replica"), weight: 1, holdMs: [2000, 4000], roles: ["pg-replica"], settleMs: 3000 },
  { fault: partition("mysql-1", "mysql-2"), weight: 1, holdMs: [1000, 2000], roles: ["mysql-1", "mysql-2"], settleMs: 1000 },
];
const options = (seed: number) => ({ seed, durationMs: 600_000, catalog: CATALOG, gapMs: [500, 3000] as const });

describe("the soak's seeded schedule", () => {
  it("is the same for the same seed, and another for another", () => {
    expect(soakSchedule(options(7))).toEqual(soakSchedule(options(7)));
    expect(JSON.stringify(soakSchedule(options(7)))).not.toBe(JSON.stringify(soakSchedule(options(8))));
  });

  it("never puts two faults on the same role at once, and heals every one before the end", () => {
    const steps = soakSchedule(options(3));
    expect(steps.length).toBeGreaterThan(50);
    for (const [i, a] of steps.entries()) {
      const spec = CATALOG.find((c) => c.fault === a.fault);
      expect(a.atMs + a.holdMs + (spec?.settleMs ?? 0)).toBeLessThanOrEqual(600_000);
      for (const b of steps.slice(i + 1)) {
        const shared = a.roles.some((r) => b.roles.includes(r));
        if (shared) expect(b.atMs, `${JSON.stringify(a)} then ${JSON.stringify(b)}`).toBeGreaterThanOrEqual(a.atMs + a.holdMs + (spec?.settleMs ?? 0));
      }
    }
  });

  it("draws by weight, and faults on different roles may overlap", () => {
    const steps = soakSchedule(options(5));
    const count = (kind: string) => steps.filter((s) => s.fault.kind === kind).length;
    expect(count("toxic")).toBeGreaterThan(count("kill"));
    expect(steps.some((a, i) => steps.slice(i + 1).some((b) => b.atMs < a.atMs + a.holdMs))).toBe(true);
    expect(soakSchedule({ ...options(5), catalog: CATALOG.map((c) => ({ ...c, weight: 0 })) })).toEqual([]);
  });

  it("shows as a timeline: each fault and its heal", () => {
    const [first] = soakSchedule(options(7));
    const timeline = soakTimeline(soakSchedule(options(7)));
    expect(timeline[0]).toMatchObject({ atMs: first?.atMs });
    expect(timeline[1]?.action).toMatch(/^heal: /);
  });

  it("reads durations as people write them", () => {
    expect(parseDuration("--soak", "10m")).toBe(600_000);
    expect(parseDuration("--soak", "90s")).toBe(90_000);
    expect(() => parseDuration("--soak", "ten")).toThrow(/--soak needs a duration such as 90s, 10m or 1h, got 'ten'/);
  });
});

describe("per fault window", () => {
  const step = (phase: "fault" | "heal", target: string, t: number) => ({ phase, f: phase === "heal" ? ("heal" as const) : ("kill" as const), target, description: `${phase} ${target}`, t, durationMs: 10, at: "", outcome: "ok" as const });
  const journal = [step("fault", "pg-replica", 1000), step("fault", "redis-2", 1500), step("heal", "pg-replica", 3000), step("heal", "redis-2", 4000)];
  const op = (t: number, type: "ok" | "fail") => ({ id: t, process: "p", f: "product-read", type, start: t, end: t + 5 });

  it("pairs each fault with its own heal, however they overlap", () => {
    expect(faultWindows(journal)).toEqual([
      { description: "fault pg-replica", target: "pg-replica", from: 1010, to: 3010 },
      { description: "fault redis-2", target: "redis-2", from: 1510, to: 4010 },
    ]);
  });

  it("judges each window: failures while in force, and service back within the bound after its heal", () => {
    const ops = [op(1200, "fail"), op(2000, "ok"), op(3100, "ok"), op(5000, "ok")];
    const e = { journal, ops, at: { steady: 0, fault: 1000, heal: 4010, steadyAt: 4100, end: 6000 } } as unknown as Evidence;
    const [first, second] = perFaultWindow(e, ["product-read"], 500);
    expect(first).toMatchObject({ name: "fault #1: fault pg-replica", valid: true });
    expect(first?.detail).toMatch(/product-read 1\/2 failed, back 95 ms after the heal/);
    // After redis-2's heal the next ok is ~1 s later: past the bound, so that window is red.
    expect(second).toMatchObject({ valid: false, figures: { slowestBackMs: 995 } });
  });
});
