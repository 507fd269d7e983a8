import { describe, expect, it } from "vitest";
import { lostWrites } from "../src/assertions/lost-writes.js";
import { queueDeliveries } from "../src/assertions/queue.js";
import { historyEdn } from "../src/report/edn.js";
import { finalKeys, readFinal, recordFinalReads } from "../src/workload/final-read.js";
import { History } from "../src/workload/history.js";
import { completions } from "../src/workload/op.js";
import { lostFromEdn } from "./edn-recompute.js";

/** Writes w0..w(n-1), each acknowledged; `lose` are missing from the final read. */
function run(n: number, lose: readonly number[]): History {
  const h = new History();
  for (let i = 0; i < n; i++) {
    const id = h.invoke("w/item-write", "item-write", { key: `w${String(i)}` });
    h.complete(id, "w/item-write", "item-write", "ok", { key: `w${String(i)}`, status: 201 });
  }
  const u = h.invoke("w/item-write", "item-write", { key: "unknown" });
  h.complete(u, "w/item-write", "item-write", "info", { key: "unknown" }, "timed out");
  const present = new Set(Array.from({ length: n }, (_, i) => `w${String(i)}`).filter((_, i) => !lose.includes(i)));
  recordFinalReads(h, h.now(), { "item-write": present });
  return h;
}

describe("lost writes recomputed from the exported EDN alone", () => {
  it("agrees with the lost-write checker on a clean history and on one that lost writes", () => {
    for (const lose of [[], [1, 4]]) {
      const h = run(6, lose);
      const ops = completions(h.ops);
      const verdict = lostWrites(ops, { f: "item-write", present: finalKeys(ops, "item-write") });
      expect(lostFromEdn(historyEdn(h.ops), "item-write")).toEqual({ acknowledged: verdict.figures?.acknowledged, lost: verdict.figures?.lost });
      expect(verdict.valid).toBe(lose.length === 0);
    }
  });

  it("reads rows from one node's final read, and counts only what was acknowledged before a cut-off", async () => {
    const h = run(4, []);
    await readFinal(h, "items", () => Promise.resolve(new Map([["w0", "v0"], ["w1", "v1"]])), "mysql-2");
    const cut = (completions(h.ops).find((o) => o.value?.key === "w2")?.end ?? 0) + 0.001;
    const ops = completions(h.ops);
    const verdict = lostWrites(ops, { f: "item-write", present: finalKeys(ops, "items", "mysql-2"), finalRead: "items@mysql-2", ackedBefore: cut });
    expect(verdict.figures).toMatchObject({ acknowledged: 3, lost: 1, finalRead: "items@mysql-2" });
    expect(lostFromEdn(historyEdn(h.ops), "item-write", "items@mysql-2", cut)).toEqual({ acknowledged: 3, lost: 1 });
  });

  it("a final read that failed is a failed op: no verdict to recompute", async () => {
    const h = run(2, []);
    await readFinal(h, "items", () => Promise.reject(new Error("connection refused")), "mysql-1");
    const ops = completions(h.ops);
    expect(finalKeys(ops, "items", "mysql-1")).toBeNull();
    expect(lostFromEdn(historyEdn(h.ops), "item-write", "items@mysql-1")).toBeNull();
    expect(ops.find((o) => o.f === "final-read" && o.value?.node === "mysql-1")).toMatchObject({ type: "fail", error: "connection refused" });
  });

  it("a queue's confirmed messages: present when a worker took them or the final drain did; one neither took is lost", () => {
    for (const lose of [false, true]) {
      const h = new History();
      for (const k of ["m0", "m1", "m2"]) {
        const id = h.invoke("p/enqueue", "enqueue", { key: k });
        h.complete(id, "p/enqueue", "enqueue", "ok", { key: k, note: "channel 1" });
      }
      const d = h.invoke("w/dequeue", "dequeue");
      h.complete(d, "w/dequeue", "dequeue", "ok", { key: "m0", note: "channel 1" });
      const drained = lose ? ["m1"] : ["m1", "m2"];
      recordFinalReads(h, h.now(), { "dequeue-drain": new Set(drained) });
      const ops = completions(h.ops);
      const [verdict] = queueDeliveries(ops, { publish: "enqueue", consume: "dequeue", drained, finalRead: "dequeue-drain", prefetch: 1 });
      expect(verdict?.figures).toMatchObject({ acknowledged: 3, lost: lose ? 1 : 0, finalRead: "dequeue-drain", consumedBy: "dequeue" });
      expect(lostFromEdn(historyEdn(h.ops), "enqueue", "dequeue-drain", Infinity, -Infinity, "dequeue")).toEqual({ acknowledged: 3, lost: lose ? 1 : 0 });
    }
  });
});
