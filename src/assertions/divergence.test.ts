import { describe, expect, it } from "vitest";
import { divergence } from "./divergence.js";

const rows = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("the divergence checker", () => {
  it("passes identical copies and fails a broken one: a row on one side only, a row that differs", () => {
    const same = rows({ a: "1|x", b: "2|y" });
    expect(divergence({ what: "items", a: { name: "mysql-1", rows: same }, b: { name: "mysql-2", rows: rows({ b: "2|y", a: "1|x" }) }, expect: "none" })).toMatchObject({ valid: true, figures: { divergentRows: 0 } });
    const broken = divergence({ what: "items", a: { name: "mysql-1", rows: same }, b: { name: "mysql-2", rows: rows({ a: "1|z", c: "3|w" }) }, expect: "none" });
    expect(broken).toMatchObject({ valid: false, figures: { divergentRows: 3, "onlyOnmysql-1": 1, "onlyOnmysql-2": 1, differingRows: 1 } });
    expect(broken.detail).toMatch(/1 only on mysql-1 \(b\), 1 only on mysql-2 \(c\), 1 differ \(a\)/);
  });

  it("passes a documented divergence only when it is observed", () => {
    const a = rows({ a: "1" });
    expect(divergence({ what: "x", a: { name: "p", rows: a }, b: { name: "q", rows: rows({}) }, expect: "some" }).valid).toBe(true);
    expect(divergence({ what: "x", a: { name: "p", rows: a }, b: { name: "q", rows: rows({ a: "1" }) }, expect: "some" }).valid).toBe(false);
  });

  it("is unknown when a side could not be read", () => {
    expect(divergence({ what: "x", a: { name: "p", rows: null }, b: { name: "q", rows: rows({}) }, expect: "none" }).valid).toBe("unknown");
  });
});

describe("a documented divergence has a magnitude", () => {
  const a = new Map([["k1", "x"], ["k2", "y"], ["k3", "z"]]);
  const b = new Map([["k1", "x"], ["k2", "other"]]);
  it("passes when every divergent row was written while the nodes could not agree", () => {
    expect(divergence({ what: "items", a: { name: "n1", rows: a }, b: { name: "n2", rows: b }, expect: "some", mayDiverge: { keys: new Set(["k2", "k3"]), what: "keys written during the cut" } }).valid).toBe(true);
  });
  it("fails when a row written before the cut diverged too: worse than the mechanism allows", () => {
    const r = divergence({ what: "items", a: { name: "n1", rows: a }, b: { name: "n2", rows: b }, expect: "some", mayDiverge: { keys: new Set(["k3"]), what: "keys written during the cut" } });
    expect(r.valid).toBe(false);
    expect(r.figures).toMatchObject({ divergentRows: 2, divergentOutsideWindow: 1 });
  });
});
