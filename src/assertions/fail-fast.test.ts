import { describe, expect, it } from "vitest";
import type { Completed } from "../workload/op.js";
import { failsFastAndClearly } from "./fail-fast.js";

let id = 0;
const op = (type: Completed["type"], start: number, ms: number, status?: number, error?: string): Completed => ({
  id: id++,
  process: "w@caddy",
  f: "product-insert",
  type,
  start,
  end: start + ms,
  value: { key: `k${String(id)}`, ...(status !== undefined ? { status } : {}) },
  ...(error ? { error } : {}),
});
const judge = (ops: Completed[]) => failsFastAndClearly(ops, { f: "product-insert", span: { from: 0, to: 10_000 }, limit: 900, naming: "pg-write" });

describe("writes fail fast and clearly", () => {
  it("passes 503/504 answers naming the dependency, within the limit", () => {
    expect(judge([op("ok", 0, 5), op("info", 100, 800, 504, "504 dependency_timeout pg-write: timed out"), op("fail", 1000, 10, 503, "503 dependency_unavailable pg-write: ECONNREFUSED")]).valid).toBe(true);
  });

  it("fails a 500: an outage dressed as a bug is not a clear failure, whatever else is right", () => {
    const r = judge([op("info", 100, 10, 503, "503 dependency_unavailable pg-write: down"), op("info", 200, 10, 500, "500 query_failed pg-write: could not extend file")]);
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/1 without a 503\/504 naming pg-write/);
  });

  it("fails a 503 that names no dependency, a dropped connection and a timeout (no answer is not a clear answer)", () => {
    expect(judge([op("info", 0, 10, 503, "503 service_unavailable")]).valid).toBe(false);
    expect(judge([op("info", 0, 10, undefined, "UND_ERR_SOCKET other side closed")]).valid).toBe(false);
    expect(judge([op("info", 0, 1200, undefined, "probe timeout")]).valid).toBe(false);
  });

  it("fails a clear answer that came too late", () => {
    expect(judge([op("info", 0, 1500, 504, "504 dependency_timeout pg-write")]).valid).toBe(false);
  });

  it("is unknown when nothing failed: its wording is about failures", () => {
    expect(judge([op("ok", 0, 5)]).valid).toBe("unknown");
  });
});
