import { describe, expect, it } from "vitest";
import { type RedisFacts, redisProblems } from "./sentinel.js";

const steady: RedisFacts = {
  sentinels: 3,
  sentinelMasters: ["redis-1", "redis-1", "redis-1"],
  sentinelMasterFlags: ["master", "master", "master"],
  sentinelReplicas: [["redis-2 slave"], ["redis-2 slave"], ["redis-2 slave"]],
  quorum: "OK 3 usable Sentinels. Quorum and failover authorization can be reached",
  nodes: { "redis-1": { role: "master", linkUp: null }, "redis-2": { role: "slave", linkUp: true } },
};

describe("redis steady state", () => {
  it("accepts one agreed master, a linked replica and every Sentinel usable", () => {
    expect(redisProblems(steady)).toEqual([]);
  });

  it("is not steady while a Sentinel is still undiscovered, though a quorum is reachable", () => {
    expect(redisProblems({ ...steady, quorum: "OK 2 usable Sentinels. Quorum and failover authorization can be reached" })).toEqual([
      "only 2 of 3 Sentinels are usable",
    ]);
  });

  it("is not steady until every Sentinel knows the replica and calls it up: a failover would find none to promote", () => {
    expect(redisProblems({ ...steady, sentinelReplicas: [["redis-2 slave"], [], ["redis-2 slave,s_down"]] })).toEqual([
      "sentinel-2 does not know replica redis-2 yet",
      "sentinel-3 sees redis-2 slave,s_down",
    ]);
  });

  it("is not steady while a Sentinel still flags the master down: it may yet fail it over", () => {
    expect(redisProblems({ ...steady, sentinelMasterFlags: ["master", "master,s_down,o_down", "master"] })).toEqual(["sentinel-2 flags the master master,s_down,o_down"]);
  });

  it("reports no quorum, disagreeing Sentinels, two masters and a broken replica link", () => {
    const problems = redisProblems({
      sentinels: 3,
      sentinelMasters: ["redis-1", "redis-2", "redis-1"],
      sentinelMasterFlags: ["master", "master", "master"],
      sentinelReplicas: [[], [], []],
      quorum: "NOQUORUM 1 usable Sentinels",
      nodes: { "redis-1": { role: "master", linkUp: null }, "redis-2": { role: "master", linkUp: null } },
    });
    expect(problems).toEqual([
      "Sentinels disagree on the master: redis-1, redis-2, redis-1",
      "Sentinel quorum: NOQUORUM 1 usable Sentinels",
      "expected one Redis master: redis-1=master, redis-2=master",
    ]);
    expect(redisProblems({ ...steady, nodes: { ...steady.nodes, "redis-2": { role: "slave", linkUp: false } } })).toEqual([
      "redis-2's link to its master is down",
    ]);
    // A node that does not answer is not steady, even with one master agreed on (a killed old master, say).
    expect(redisProblems({ ...steady, nodes: { ...steady.nodes, "redis-2": { role: "unreachable", linkUp: null } } })).toContain("redis-2 is unreachable");
  });
});
