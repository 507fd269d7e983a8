import { parseEDNString } from "edn-data";
import { describe, expect, it } from "vitest";
import { History } from "../workload/history.js";
import { elleRwRegisterEdn, historyEdn } from "./edn.js";

/** A small history as a run makes one: two clients, a nemesis step, an error with quotes in it. */
function sample(): History {
  const h = new History();
  const w = h.invoke("w0/product-write", "product-write", { key: "p1" });
  const r = h.invoke("r0/product-read", "product-read", { key: "p1" });
  h.complete(w, "w0/product-write", "product-write", "ok", { key: "p1", version: 2, status: 200 });
  h.complete(r, "r0/product-read", "product-read", "ok", { key: "p1", version: 1, source: "replica" });
  const k = h.invoke("nemesis", "kill", { target: "pg-primary" });
  h.complete(k, "nemesis", "kill", "ok", { target: "pg-primary" });
  const w2 = h.invoke("w0/product-write", "product-write", { key: "p1" });
  h.complete(w2, "w0/product-write", "product-write", "info", { key: "p1" }, 'timed out: "pg-write" after 800 ms');
  return h;
}

type EdnMap = { map: [unknown, unknown][] };
const get = (m: EdnMap, key: string) => m.map.find(([k]) => (k as { key?: string }).key === key)?.[1];

describe("Jepsen's EDN history", () => {
  it("parses as EDN: one map per op with :type, :f, :value, :process, :time in nanoseconds", () => {
    const h = sample();
    const lines = historyEdn(h.ops).trim().split("\n");
    expect(lines).toHaveLength(h.ops.length);
    const ops = lines.map((l) => parseEDNString(l, { keywordAs: "object" }) as EdnMap);
    expect(ops.map((o) => (get(o, "type") as { key: string }).key)).toEqual(["invoke", "invoke", "ok", "ok", "invoke", "ok", "invoke", "info"]);
    expect((get(ops[0] as EdnMap, "f") as { key: string }).key).toBe("product-write");
    // Clients are integers in order of appearance; the nemesis is :nemesis.
    expect(ops.map((o) => get(o, "process"))).toEqual([0, 1, 0, 1, { key: "nemesis" }, { key: "nemesis" }, 0, 0]);
    expect(get(ops[2] as EdnMap, "time")).toBe(Math.round((h.ops[2]?.t ?? 0) * 1e6));
    expect(get(ops[7] as EdnMap, "error")).toBe('timed out: "pg-write" after 800 ms');
  });

  it("gives Elle the product rows as rw-register transactions, leaving out writes whose version is unknown", () => {
    const text = elleRwRegisterEdn(sample().ops);
    const ops = text.trim().split("\n").map((l) => parseEDNString(l, { keywordAs: "object" }) as EdnMap);
    expect(ops.map((o) => [(get(o, "type") as { key: string }).key, JSON.stringify(get(o, "value"))])).toEqual([
      ["invoke", JSON.stringify([[{ key: "w" }, "p1", 2]])],
      ["invoke", JSON.stringify([[{ key: "r" }, "p1", null]])],
      ["ok", JSON.stringify([[{ key: "w" }, "p1", 2]])],
      ["ok", JSON.stringify([[{ key: "r" }, "p1", 1]])],
    ]);
  });
});
