import { describe, expect, it } from "vitest";
import { History } from "../workload/history.js";
import { completions } from "../workload/op.js";
import { failover, measureFailover, noFailures, unavailability } from "./availability.js";
import { bound } from "./bound.js";
import { compose } from "./compose.js";
import { lostWrites } from "./lost-writes.js";
import { readYourWrites } from "./read-your-writes.js";
import { recovery } from "./recovery.js";
import { sessions } from "./sessions.js";
import { findStaleReads, staleReads } from "./stale-reads.js";
import { op, series } from "./testing.js";

// Every checker is fed a history where its property holds and one where it is broken, and must tell them apart.

describe("availability", () => {
  const outage = (from: number, to: number) => series("product-read", 0, 3000, 50, (t) => (t >= from && t < to ? "fail" : "ok"));

  it("finds the unavailability window and the failover time", () => {
    const ops = outage(1000, 1800);
    expect(unavailability(ops, "product-read")).toEqual([{ from: 1000, to: 1800, ops: 16 }]);
    expect(measureFailover(ops, "product-read", 950, 3)).toMatchObject({ failoverMs: 800, firstFailureAt: 1000, recoveredAt: 1800 });
    expect(failover(ops, { f: "product-read", faultAt: 950, bound: 1000, resolutionMs: 50 })).toMatchObject({ valid: true, figures: { failoverMs: 800 } });
  });

  it("fails when the outage is longer than the bound", () => {
    const r = failover(outage(1000, 2600), { f: "product-read", faultAt: 950, bound: 1000, resolutionMs: 50 });
    expect(r.valid).toBe(false);
    expect(r.figures?.failoverMs).toBe(1600);
  });

  it("fails when service never comes back, and needs N successes in a row", () => {
    const never = outage(1000, 5000);
    expect(failover(never, { f: "product-read", faultAt: 950, bound: 1000, resolutionMs: 50 }).valid).toBe(false);
    // One lucky success inside the outage does not end it.
    const flappy = series("product-read", 0, 3000, 50, (t) => (t >= 1000 && t < 2000 && t !== 1200 ? "fail" : "ok"));
    expect(measureFailover(flappy, "product-read", 950, 3).recoveredAt).toBe(2000);
  });

  it("counts timeouts (info) as unavailable", () => {
    const ops = series("product-read", 0, 2000, 50, (t) => (t >= 500 && t < 700 ? "info" : "ok"));
    expect(unavailability(ops, "product-read")).toEqual([{ from: 500, to: 700, ops: 4 }]);
    expect(noFailures(ops, "product-read", undefined, "").valid).toBe(false);
    expect(noFailures(ops, "product-read", undefined, "", { allowInfo: true }).valid).toBe(true);
  });

  it("is false when the fault had no visible effect, unless the scenario says the mechanism hides it", () => {
    const untouched = series("product-read", 0, 3000, 50, () => "ok");
    const felt = failover(untouched, { f: "product-read", faultAt: 950, bound: 1000, resolutionMs: 50 });
    expect(felt).toMatchObject({ valid: false, figures: { failoverMs: null } });
    expect(felt.detail).toMatch(/no visible effect/);
    expect(failover(untouched, { f: "product-read", faultAt: 950, bound: 1000, resolutionMs: 50, mustFeel: false }).valid).toBe(true);
  });

  it("states the bound's derivation in its detail", () => {
    const b = bound(["inter", 500, "fall", 2], ["check timeout", 400], ["dep timeout", 800], ["probe interval", 50]);
    expect(b).toMatchObject({ ms: 2250, derivation: "2250 ms = inter 500 × fall 2 + check timeout 400 + dep timeout 800 + probe interval 50" });
    const r = failover(outage(1000, 2600), { f: "product-read", faultAt: 950, bound: b, resolutionMs: 50 });
    expect(r).toMatchObject({ valid: true, figures: { failoverMs: 1600, boundMs: 2250 } });
    expect(r.detail).toContain(b.derivation);
    expect(failover(outage(1000, 3400), { f: "product-read", faultAt: 950, bound: b, resolutionMs: 50 }).valid).toBe(false);
  });

  it("says unknown with no ops to judge", () => {
    expect(failover([], { f: "ws-ping", faultAt: 0, bound: 1, resolutionMs: 50 }).valid).toBe("unknown");
    expect(noFailures([], "ws-ping", undefined, "").valid).toBe("unknown");
  });
});

describe("sessions", () => {
  const reads = (process: string, store: string, lostAt: number | null) =>
    series("session-read", 0, 3000, 100, (t) => (lostAt !== null && t >= lostAt ? "fail" : "ok"), (t) => ({ store, status: lostAt !== null && t >= lostAt ? 401 : 200 }), process);

  it("counts kept and lost sessions per store", () => {
    const ops = [...reads("s-redis-1", "redis", null), ...reads("s-mysql-1", "mysql", null)];
    expect(sessions(ops, { from: 1000, settledAt: 2000 })).toMatchObject({ valid: true, figures: { kept: 2, lost: 0 } });
  });

  it("fails when a shared-store session is lost", () => {
    const ops = [...reads("s-redis-1", "redis", 1500), ...reads("s-mysql-1", "mysql", null)];
    const r = sessions(ops, { from: 1000, settledAt: 2000, mayLose: ["memory"] });
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/1 redis session\(s\) lost/);
  });

  it("fails when a loss the design documents is not observed", () => {
    const ops = reads("s-memory-1", "memory", null);
    expect(sessions(ops, { from: 1000, settledAt: 2000, mustLose: ["memory"] }).valid).toBe(false);
    expect(sessions(reads("s-memory-1", "memory", 1200), { from: 1000, settledAt: 2000, mustLose: ["memory"] }).valid).toBe(true);
  });
});

describe("stale reads", () => {
  const write = (t: number, version: number) => op("product-write", "ok", t, { key: "p1", version }, "w", t + 10);
  const read = (t: number, version: number, process = "r") => op("product-read", "ok", t, { key: "p1", version, source: "replica" }, process);

  it("finds a read older than an acknowledged write, with its staleness", () => {
    const ops = [write(0, 1), read(100, 1), write(200, 2), read(300, 1), read(500, 2)];
    const r = staleReads(ops, { bound: 1000 });
    expect(r).toMatchObject({ valid: true, figures: { count: 1, maxStalenessMs: 90, maxStalenessVersions: 1 } });
  });

  it("fails past the bound, and where none may be", () => {
    const ops = [write(0, 1), write(200, 2), read(1500, 1)];
    expect(staleReads(ops, { bound: 1000 }).valid).toBe(false);
    expect(staleReads([write(0, 1), write(200, 2), read(300, 1)], { bound: 1000, noneIn: { from: 250, to: 400 } }).valid).toBe(false);
  });

  it("does not count a write that was not acknowledged before the read began", () => {
    const ops = [write(0, 1), op("product-write", "info", 100, { key: "p1", version: 2 }, "w"), write(290, 3), read(295, 1)];
    expect(staleReads(ops, { bound: 0 }).figures?.count).toBe(0);
  });

  it("judges the op kinds it is given (a team's own)", () => {
    const ops = [op("price-set", "ok", 0, { key: "p1", version: 2 }, "w", 10), op("price-get", "ok", 100, { key: "p1", version: 1 }, "r")];
    expect(staleReads(ops, { bound: 0, kinds: { write: "price-set", read: "price-get" } })).toMatchObject({ valid: false, figures: { count: 1, maxStalenessMs: 90 } });
    expect(staleReads(ops, { bound: 0 }).valid).toBe("unknown");
  });

  it("finds exactly what the quadratic definition finds, on random histories (n·log n search)", () => {
    // The definition, written the obvious way: for each read, every write acknowledged before it.
    const naive = (ops: ReturnType<typeof op>[]) =>
      ops.flatMap((r) => {
        if (r.f !== "product-read") return [];
        const newer = ops.filter((w) => w.f === "product-write" && w.type === "ok" && w.value?.key === r.value?.key && w.end < r.start && (w.value?.version ?? 0) > (r.value?.version ?? 0));
        if (newer.length === 0) return [];
        return [{ key: r.value?.key, at: r.start, latest: Math.max(...newer.map((w) => w.value?.version ?? 0)), staleness: r.start - Math.min(...newer.map((w) => w.end)) }];
      });
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 50; round++) {
      const ops = Array.from({ length: 60 }, (_, i) => {
        const t = Math.floor(rand() * 1000);
        const key = `k${String(Math.floor(rand() * 3))}`;
        const version = Math.floor(rand() * 6);
        return rand() < 0.5 ? op("product-write", rand() < 0.8 ? "ok" : "info", t, { key, version }, `w${String(i)}`, t + Math.floor(rand() * 50)) : op("product-read", "ok", t, { key, version }, `r${String(i)}`);
      });
      const fast = findStaleReads(ops).map((x) => ({ key: x.key, at: x.at, latest: x.latestVersion, staleness: x.stalenessMs }));
      expect(fast).toEqual(naive(ops));
    }
  });
});

describe("read your writes", () => {
  const rw = { write: "item-write", read: "item-read" } as const;
  it("counts what the quadratic definition counts, on random histories (n·log n search)", () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 40; round++) {
      const ops = Array.from({ length: 80 }, () => {
        const t = Math.floor(rand() * 1000);
        const client = `c${String(Math.floor(rand() * 3))}`;
        const key = `k${String(Math.floor(rand() * 3))}`;
        const version = Math.floor(rand() * 5);
        if (rand() < 0.5) return op("item-write", rand() < 0.8 ? "ok" : "info", t, { key, version }, `${client}/write`, t + Math.floor(rand() * 40));
        return rand() < 0.85 ? op("item-read", "ok", t, { key, version }, `${client}/read`) : op("item-read", "fail", t, { key, status: 404 }, `${client}/read`);
      });
      // The definition: for each counted read, every write of the same client and key acknowledged before it.
      let reads = 0;
      let violations = 0;
      for (const r of ops.filter((x) => x.f === "item-read" && (x.type === "ok" || x.value?.status === 404))) {
        const mine = ops.filter((w) => w.f === "item-write" && w.type === "ok" && w.process.split("/")[0] === r.process.split("/")[0] && w.value?.key === r.value?.key && w.end < r.start);
        if (mine.length === 0) continue;
        reads++;
        const wrote = Math.max(...mine.map((w) => w.value?.version ?? 0));
        if (r.type !== "ok" || (r.value?.version ?? 0) < wrote) violations++;
      }
      expect(readYourWrites(ops, rw).figures).toEqual({ reads, violations });
    }
  });

  it("passes when a client reads its own writes and fails when it does not", () => {
    const good = [op("item-write", "ok", 0, { key: "i", version: 1 }, "c1/write"), op("item-read", "ok", 50, { key: "i", version: 1 }, "c1/read")];
    expect(readYourWrites(good, rw).valid).toBe(true);
    const missing = [op("item-write", "ok", 0, { key: "i", version: 1 }, "c1/write"), op("item-read", "fail", 50, { key: "i", status: 404 }, "c1/read")];
    expect(readYourWrites(missing, rw)).toMatchObject({ valid: false, figures: { violations: 1 } });
    const older = [op("product-write", "ok", 0, { key: "p", version: 4 }, "c1/write"), op("product-read", "ok", 50, { key: "p", version: 3 }, "c1/read")];
    expect(readYourWrites(older, { write: "product-write", read: "product-read" }).valid).toBe(false);
    // Another client's write is not this client's to see; a 503 proves nothing.
    const other = [op("item-write", "ok", 0, { key: "i", version: 1 }, "c2/write"), op("item-read", "fail", 50, { key: "i", status: 404 }, "c1/read")];
    expect(readYourWrites(other, rw).valid).toBe("unknown");
    const unavailable = [op("item-write", "ok", 0, { key: "i" }, "c1/write"), op("item-read", "fail", 50, { key: "i", status: 503 }, "c1/read")];
    expect(readYourWrites(unavailable, rw).valid).toBe("unknown");
  });
});

describe("lost writes", () => {
  const writes = [op("item-write", "ok", 0, { key: "i1" }), op("item-write", "ok", 50, { key: "i2" }), op("item-write", "info", 100, { key: "i3" })];

  it("passes when every acknowledged write is in the final read, and ignores unknown writes", () => {
    expect(lostWrites(writes, { f: "item-write", present: new Set(["i1", "i2"]) })).toMatchObject({ valid: true, figures: { acknowledged: 2, lost: 0, unknown: 1 } });
  });

  it("fails on an acknowledged write missing from the final read, unless the design allows it", () => {
    expect(lostWrites(writes, { f: "item-write", present: new Set(["i1"]) })).toMatchObject({ valid: false, figures: { lost: 1 } });
    // i2 was acknowledged at 55 ms: inside a 100 ms lag window before a kill at 120 ms, outside one before 400.
    expect(lostWrites(writes, { f: "item-write", present: new Set(["i1"]), allowLost: { at: 120, lagWindow: 100, lateMs: 10 } })).toMatchObject({ valid: true, figures: { lost: 1, lostWindowMs: 65 } });
    const late = lostWrites(writes, { f: "item-write", present: new Set(["i1"]), allowLost: { at: 400, lagWindow: 100, lateMs: 10 } });
    expect(late.valid).toBe(false);
    expect(late.detail).toMatch(/1 lost outside the lag window/);
    expect(lostWrites(writes, { f: "item-write", present: null }).valid).toBe("unknown");
  });
});

describe("recovery", () => {
  it("passes within the bound, fails past it or when never steady", () => {
    expect(recovery({ healedAt: 1000, steadyAt: 3000, problems: [] }, 5000)).toMatchObject({ valid: true, figures: { recoveryMs: 2000 } });
    expect(recovery({ healedAt: 1000, steadyAt: 9000, problems: [] }, 5000).valid).toBe(false);
    expect(recovery({ healedAt: 1000, steadyAt: null, problems: ["replication is catchup"] }, 5000)).toMatchObject({ valid: false, detail: expect.stringMatching(/catchup/) as unknown });
  });
});

describe("compose", () => {
  const r = (valid: true | false | "unknown") => ({ name: String(valid), valid, detail: "" });
  it("follows Jepsen's rule: false beats unknown beats true", () => {
    expect(compose([r(true), r("unknown"), r(false)]).valid).toBe(false);
    expect(compose([r(true), r("unknown")]).valid).toBe("unknown");
    expect(compose([r(true), r(true)]).valid).toBe(true);
  });
});

describe("history", () => {
  it("pairs invokes with completions, and an invoke never completed is unknown", () => {
    let now = 0;
    const h = new History(() => now);
    const a = h.invoke("p", "product-read", { key: "k" });
    now = 10;
    const b = h.invoke("p", "product-read", { key: "k" });
    now = 30;
    h.complete(a, "p", "product-read", "ok", { version: 2 });
    const ops = completions(h.ops);
    expect(ops).toEqual([
      { id: a, process: "p", f: "product-read", type: "ok", start: 0, end: 30, value: { key: "k", version: 2 } },
      { id: b, process: "p", f: "product-read", type: "info", start: 10, end: 30, value: { key: "k" }, error: "never completed", open: true },
    ]);
    expect(h.toJsonLines().split("\n")).toHaveLength(4);
  });
});
