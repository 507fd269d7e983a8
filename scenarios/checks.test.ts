import { describe, expect, it } from "vitest";
import { type Completed, type Evidence, resolveSpec } from "../src/index.js";
import { FLAP_CYCLES, invalidationWorked } from "./bounds.js";
import { falseFailovers, lossFelt } from "./packet-loss.js";
import { sentinelOutcome } from "./redis-master.js";
import { BOTH, dualWriteChecks } from "./pg-dual-write.js";
import { roundRobinShare } from "./pg-old-primary-returns.js";
import { lossObserved } from "./redis-split-brain.js";

let id = 0;
const role = (t: number, note: string): Completed => ({ id: id++, process: "roles", f: "sentinel-master", type: "ok", start: t, end: t + 1, value: { note } });
const spec = resolveSpec({});

describe("the meeting stack's own checks, fed the case their wording excludes", () => {
  it("false failovers: counted, and false past what the detector's timers allow", () => {
    const limit = { cycle: FLAP_CYCLES.sentinel(spec), perCycle: 1, windowMs: 2000 };
    const calm = [role(0, "redis-1"), role(500, "redis-1"), role(1500, "redis-2")];
    expect(falseFailovers(calm, "sentinel-master", "the master", limit).valid).toBe(true);
    const flapping = [0, 200, 400, 600, 800].map((t, i) => role(t, i % 2 ? "redis-2" : "redis-1"));
    const r = falseFailovers(flapping, "sentinel-master", "the master", limit);
    expect(r.valid).toBe(false);
    expect(r.figures).toMatchObject({ falseFailovers: 4, falseFailoversMax: 2 });
    expect(falseFailovers([], "sentinel-master", "the master", limit).valid).toBe("unknown");
  });

  it("invalidation: false when a write said invalidated and the next read still hit the old entry", () => {
    const w = (t: number, version: number): Completed => ({ id: id++, process: "w", f: "product-write", type: "ok", start: t, end: t + 5, value: { key: "p", version, note: "cache:invalidated" } });
    const r = (t: number, version: number, source: "cache" | "replica"): Completed => ({ id: id++, process: "r", f: "product-read", type: "ok", start: t, end: t + 2, value: { key: "p", version, source } });
    expect(invalidationWorked({ ops: [r(0, 1, "replica"), w(10, 2), r(20, 2, "replica"), r(30, 2, "cache")], spec }).valid).toBe(true);
    expect(invalidationWorked({ ops: [r(0, 1, "replica"), w(10, 2), r(20, 1, "cache")], spec }).valid).toBe(false);
    // Only a write with nothing read after it: nothing seen gone.
    expect(invalidationWorked({ ops: [w(10, 2)], spec }).valid).toBe(false);
  });
});

/** Just enough evidence for a check: the ops, the phase marks, the spec, a journal and final reads. */
function evidence(ops: Completed[], over: Partial<Evidence> = {}): Evidence {
  return { ops, at: { steady: 0, fault: 1000, heal: 9000, steadyAt: 9500, end: 12_000 }, recoveryProblems: [], finalRead: {}, mechanisms: {}, journal: [], observed: {}, spec, intervalMs: 50, phases: { steadyMs: 1000, faultMs: 8000, afterMs: 2000, recoveryBoundMs: 5000 }, ...over };
}

describe("documented weaknesses fail when worse than the mechanism allows", () => {
  const insert = (t: number, node: string, type: Completed["type"] = "ok"): Completed => ({ id: id++, process: "w", f: "pg-insert", type, start: t, end: t + 5, value: { key: `k${String(t)}`, note: node } });
  const returned = { journal: [{ phase: "heal" as const, f: "heal" as const, target: "pg-primary", description: "heal: start again", t: 3000, durationMs: 100, at: "", outcome: "ok" as const }] };

  it("round robin: the old timeline takes every second insert, no more", () => {
    const alternating = Array.from({ length: 20 }, (_, i) => insert(4000 + i * 50, i % 2 ? "old" : "new"));
    expect(roundRobinShare(evidence(alternating, returned), "old").valid).toBe(true);
    const allToOld = Array.from({ length: 20 }, (_, i) => insert(4000 + i * 50, i === 0 ? "new" : "old"));
    const r = roundRobinShare(evidence(allToOld, returned), "old");
    expect(r.valid).toBe(false);
    expect(r.figures).toMatchObject({ onOldTimeline: 19, insertsWhileBothUp: 19 });
  });

  it("redis split brain: a lost write acknowledged after Sentinel must have converted the old master is red", () => {
    const note = (t: number): Completed => ({ id: id++, process: "gra", f: "gra-note-write", type: "ok", start: t, end: t + 5, value: { key: `n${String(t)}` } });
    const inWindow = [note(500), note(2000), note(8000)];
    expect(lossObserved(evidence(inWindow, { finalRead: { "gra-note-write": new Set(["n500"]) } })).valid).toBe(true);
    // Converted by heal + INFO period + dep timeout + measurement: 8000 + 10000 + 800 + 150 after the cut at 1000.
    const late = [...inWindow, note(30_000)];
    const r = lossObserved(evidence(late, { finalRead: { "gra-note-write": new Set(["n500"]) } }));
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/1 acknowledged after that/);
    // Nothing lost: the weakness was not observed, which is no pass either.
    expect(lossObserved(evidence(inWindow, { finalRead: { "gra-note-write": new Set(inWindow.map((o) => o.value?.key ?? "")) } })).valid).toBe(false);
  });

  it("packet loss felt: false when no op crossing the lossy node failed or waited a retransmission timeout", () => {
    const write = (t: number, ms: number, type: Completed["type"] = "ok"): Completed => ({ id: id++, process: "w", f: "note-write", type, start: t, end: t + ms, value: { key: `n${String(t)}` } });
    const steady = [100, 200, 300, 400].map((t) => write(t, 10));
    const unfelt = [2000, 3000, 4000].map((t) => write(t, 15));
    expect(lossFelt(evidence([...steady, ...unfelt]), ["note-write"]).control.valid).toBe(false);
    // One write waited steady p99 (10) + TCP_RTO_MIN (200): a lost segment resent.
    expect(lossFelt(evidence([...steady, ...unfelt, write(5000, 260)]), ["note-write"]).control.valid).toBe(true);
    expect(lossFelt(evidence([...steady, write(5000, 20, "fail")]), ["note-write"]).control.valid).toBe(true);
    // Nothing crossed it during the fault: not felt, whatever the rest did.
    expect(lossFelt(evidence(steady), ["note-write"]).control.valid).toBe(false);
  });

  it("Sentinel's outcome: false while the Sentinels disagree, still name the old master, or it is not a linked replica", () => {
    const redis = (masters: string[], old: { role: string; linkUp: boolean | null }) => ({ sentinelMasters: masters, nodes: { "redis-1": old, "redis-2": { role: "master", linkUp: null } } });
    const e = (masters: string[], old: { role: string; linkUp: boolean | null }) => evidence([], { observed: { oldMaster: "redis-1", redis: redis(masters, old) } });
    const valid = (x: Evidence) => sentinelOutcome(x, "restarted").map((c) => c.valid);
    expect(valid(e(["redis-2", "redis-2", "redis-2"], { role: "slave", linkUp: true }))).toEqual([true, true]);
    expect(valid(e(["redis-2", "redis-1", "redis-2"], { role: "slave", linkUp: true }))[0]).toBe(false);
    expect(valid(e(["redis-1", "redis-1", "redis-1"], { role: "master", linkUp: null }))).toEqual([false, false]);
    expect(valid(e(["redis-2", "redis-2", "redis-2"], { role: "slave", linkUp: false }))[1]).toBe(false);
  });

  it("dual write: red when a write failed on pg-db2, or a row written outside the outage differs", () => {
    const w = (t: number, key: string, note: string, type: Completed["type"] = "ok", error?: string): Completed => ({ id: id++, process: "w", f: "pg-item-write", type, start: t - 5, end: t, value: { key, note }, ...(error ? { error } : {}) });
    const session: Completed = { id: id++, process: "s", f: "pg-session-write", type: "ok", start: 3400, end: 3500, value: { key: "s", note: "copies:pg-write" } };
    const ops = [w(500, "before", BOTH), w(3000, "during", "copies:pg-write"), session, w(10_000, "after", BOTH)];
    const rows = (m: Record<string, string>) => new Map(Object.entries(m));
    const primary = rows({ before: "v1", during: "v1", after: "v1" });
    const pairOf = (db2: Map<string, string>, ids: Map<string, string>) => (k: "items" | "itemIds" | "sessions") => ({
      a: { name: "pg-primary", rows: k === "itemIds" ? rows({ before: "1", during: "2", after: "3" }) : k === "sessions" ? rows({ s: "x" }) : primary },
      b: { name: "pg-db2", rows: k === "itemIds" ? ids : k === "sessions" ? rows({}) : db2 },
    });
    const during = { from: 1000, to: 9000 };
    const e = evidence(ops, { at: { steady: 0, fault: 1000, heal: 9000, steadyAt: 9500, end: 12_000 } });
    const asDocumented = dualWriteChecks(e, during, pairOf(rows({ before: "v1", after: "v1" }), rows({ before: "1", after: "2" })));
    expect(asDocumented.filter((c) => c.valid !== true).map((c) => c.name)).toEqual([]);
    // A write that failed because pg-db2 was down: the dual write's one promise broken.
    const failedOnDb2 = dualWriteChecks(evidence([...ops, w(4000, "lost", "", "fail", "503 dependency_unavailable pg-db2")], { at: e.at }), during, pairOf(rows({ before: "v1", after: "v1" }), rows({ before: "1", after: "2" })));
    expect(failedOnDb2.find((c) => c.name.startsWith("no write failed because pg-db2"))?.valid).toBe(false);
    // A row written before the kill that differs: worse than the outage explains.
    const worse = dualWriteChecks(e, during, pairOf(rows({ before: "v0", after: "v1" }), rows({ before: "1", after: "2" })));
    expect(worse.find((c) => c.name.includes("items") && c.valid === false)).toBeDefined();
    // Ids that did not drift although an insert reached one database only: the drift check is red.
    const noDrift = dualWriteChecks(e, during, pairOf(rows({ before: "v1", after: "v1" }), rows({ before: "1", during: "2", after: "3" })));
    expect(noDrift.find((c) => c.name.startsWith("item ids drifted"))?.valid).toBe(false);
  });
});
