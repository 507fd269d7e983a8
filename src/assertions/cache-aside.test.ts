import { describe, expect, it } from "vitest";
import type { Completed } from "../workload/op.js";
import { cacheAsideStaleness } from "./cache-aside.js";

let id = 0;
const write = (start: number, end: number, version: number, cache: "invalidated" | "stale"): Completed => ({ id: id++, process: "w", f: "product-write", type: "ok", start, end, value: { key: "p1", version, note: `cache:${cache}` } });
const read = (start: number, end: number, version: number, source: "cache" | "replica" | "primary"): Completed => ({ id: id++, process: "r", f: "product-read", type: "ok", start, end, value: { key: "p1", version, source } });
const judge = (ops: Completed[]) => cacheAsideStaleness(ops, { ttl: 2000, lagMs: 100 });

describe("cache-aside staleness: from what each write reported, and the race", () => {
  it("passes fresh cached reads after an invalidated write", () => {
    expect(judge([read(0, 5, 1, "replica"), read(10, 12, 1, "cache"), write(20, 30, 2, "invalidated"), read(40, 45, 2, "replica"), read(50, 52, 2, "cache")]).valid).toBe(true);
  });

  it("allows the race: a miss read the old row before the write and filled the cache after its delete", () => {
    const r = judge([read(0, 5, 1, "replica"), read(18, 35, 1, "replica"), write(20, 30, 2, "invalidated"), read(500, 502, 1, "cache")]);
    expect(r.valid).toBe(true);
    expect(r.figures).toMatchObject({ count: 1, byRace: 1, unexplained: 0 });
  });

  it("fails a stale cached read after a write that reported its entry invalidated, with no racing miss (the invalidation did nothing)", () => {
    const r = judge([read(0, 5, 1, "replica"), read(10, 12, 1, "cache"), write(20, 30, 2, "invalidated"), read(500, 502, 1, "cache")]);
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/1 after writes that reported their entry invalidated, with no racing miss/);
  });

  it("allows a write that reported cache:stale its TTL, and no more", () => {
    expect(judge([read(0, 5, 1, "replica"), write(20, 30, 2, "stale"), read(1500, 1502, 1, "cache")]).valid).toBe(true);
    expect(judge([read(0, 5, 1, "replica"), write(20, 30, 2, "stale"), read(2500, 2502, 1, "cache")]).valid).toBe(false);
  });

  it("gives a racing fill one TTL from the fill, no more", () => {
    expect(judge([read(18, 35, 1, "replica"), write(20, 30, 2, "invalidated"), read(2100, 2102, 1, "cache")]).valid).toBe(false);
  });

  it("is unknown when no read came from the cache", () => {
    expect(judge([read(0, 5, 1, "replica")]).valid).toBe("unknown");
  });
});
