import { describe, expect, it } from "vitest";
import { mysqlProblems } from "./pair.js";

const node = { io: "Yes", sql: "Yes", secondsBehind: 0, lastError: "", gtidCurrentPos: "1-1-5,2-2-3" };

describe("mysql steady state", () => {
  it("accepts both directions running and the same GTID position in any order", () => {
    expect(mysqlProblems({ "mysql-1": node, "mysql-2": { ...node, gtidCurrentPos: "2-2-3,1-1-5" } })).toEqual([]);
  });

  it("reports stopped threads, lag, divergence and an unreachable node", () => {
    expect(mysqlProblems({ "mysql-1": { ...node, io: "Connecting", lastError: "error connecting" }, "mysql-2": node })).toEqual([
      "mysql-1 replication threads: IO Connecting, SQL Yes (error connecting)",
    ]);
    expect(mysqlProblems({ "mysql-1": node, "mysql-2": { ...node, secondsBehind: 4, gtidCurrentPos: "1-1-4,2-2-3" } })).toEqual([
      "mysql-2 is 4 s behind its master",
      "mysql-1 and mysql-2 differ in GTID position: 1-1-5,2-2-3 vs 1-1-4,2-2-3",
    ]);
    expect(mysqlProblems({ "mysql-1": { unreachable: "ECONNREFUSED" }, "mysql-2": node })).toEqual(["mysql-1 is unreachable: ECONNREFUSED"]);
  });

  it("judges any number of nodes: each against the first one's GTID position", () => {
    expect(mysqlProblems({ "mysql-1": node, "mysql-2": node, "mysql-3": { ...node, gtidCurrentPos: "1-1-4" } })).toEqual(["mysql-1 and mysql-3 differ in GTID position: 1-1-5,2-2-3 vs 1-1-4"]);
  });
});
