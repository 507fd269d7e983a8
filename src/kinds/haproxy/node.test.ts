import { describe, expect, it } from "vitest";
import { parseStats, render, renderHaproxyConfig } from "./node.js";
import { haproxyProblems } from "./steady.js";
import { resolveSpec } from "../../cluster/topology.js";

describe("haproxy config", () => {
  it("writes the spec's detection timings into the config", () => {
    const cfg = renderHaproxyConfig(resolveSpec({ timings: { haproxy: { interMs: 250, downInterMs: 50, fall: 3, rise: 1, checkTimeoutMs: 200 } } }));
    expect(cfg).toMatch(/default-server .* inter 250ms fastinter 250ms downinter 50ms fall 3 rise 1 /);
    expect(cfg).toContain("timeout check 200ms");
    expect(cfg).toContain("listen pg-write");
    expect(cfg).toContain("listen mysql");
    expect(cfg).not.toMatch(/\{\{/);
  });

  it("leaves out the frontends of slices that are not there", () => {
    const cfg = renderHaproxyConfig(resolveSpec({ slices: ["postgres"] }));
    expect(cfg).toContain("listen pg-read");
    expect(cfg).not.toContain("listen mysql");
  });

  it("refuses a placeholder it has no value for", () => {
    expect(() => render("inter {{interMs}}ms {{nope}}", { interMs: 1 })).toThrow(/no value for \{\{nope\}\}/);
  });
});

describe("haproxy stats", () => {
  const csv = [
    "# pxname,svname,qcur,status,weight,chkdown",
    "pg-write,FRONTEND,0,OPEN,,",
    "pg-write,pg-primary,0,UP,1,0",
    "pg-write,pg-replica,0,DOWN,1,3",
    "pg-write,BACKEND,0,UP,1,",
    "mysql,mysql-1,0,MAINT,1,1",
  ].join("\n");

  it("reads each server's status and its count of UP to DOWN transitions, and skips frontend and backend rows", () => {
    expect(parseStats(csv)).toEqual([
      { backend: "pg-write", server: "pg-primary", status: "UP", downTransitions: 0 },
      { backend: "pg-write", server: "pg-replica", status: "DOWN", downTransitions: 3 },
      { backend: "mysql", server: "mysql-1", status: "MAINT", downTransitions: 1 },
    ]);
  });

  it("reports a server that is not in its steady state", () => {
    expect(haproxyProblems(parseStats(csv))).toEqual(["HAProxy mysql/mysql-1 is MAINT, expected UP"]);
    expect(haproxyProblems([{ backend: "pg-write", server: "pg-replica", status: "UP", downTransitions: 0 }])).toEqual([
      "HAProxy pg-write/pg-replica is UP, expected DOWN",
    ]);
  });
});
