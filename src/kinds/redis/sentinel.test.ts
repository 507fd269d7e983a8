import { describe, expect, it } from "vitest";
import { redisGroupProblems } from "./node.js";
import { fileURLToPath } from "node:url";
import { SENTINEL, type SentinelSays, type SentinelSettings, sentinelAgreementProblems, sentinelConf, sentinelProblemsOf } from "./sentinel-node.js";

const settings: SentinelSettings = { master: "brownout", monitors: "redis-1", replicas: ["redis-2"], peers: ["sentinel-2", "sentinel-3"], quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 5000 };
const says: SentinelSays = { flags: "master", quorum: "OK 3 usable Sentinels. Quorum and failover authorization can be reached", known: ["redis-2 slave"], master: "redis-1" };
const master = { role: "master", linkUp: null };
const replica = { role: "slave", linkUp: true };

describe("redis steady state", () => {
  it("accepts one agreed master, a linked replica and every Sentinel usable", () => {
    expect(sentinelProblemsOf("sentinel-1", says, settings)).toEqual([]);
    expect(redisGroupProblems([["redis-1", master], ["redis-2", replica]])).toEqual([]);
    expect(sentinelAgreementProblems(["redis-1", "redis-1", "redis-1"], "master")).toEqual([]);
  });

  it("is not steady while a Sentinel is still undiscovered, though a quorum is reachable", () => {
    expect(sentinelProblemsOf("sentinel-1", { ...says, quorum: "OK 2 usable Sentinels. Quorum and failover authorization can be reached" }, settings)).toEqual([
      "sentinel-1: only 2 of 3 Sentinels are usable",
    ]);
  });

  it("is not steady until every Sentinel knows the replica and calls it up: a failover would find none to promote", () => {
    expect(sentinelProblemsOf("sentinel-2", { ...says, known: [] }, settings)).toEqual(["sentinel-2 does not know replica redis-2 yet"]);
    expect(sentinelProblemsOf("sentinel-3", { ...says, known: ["redis-2 slave,s_down"] }, settings)).toEqual(["sentinel-3 sees redis-2 slave,s_down"]);
    // After a failover the old master is the replica to know: the one the Sentinel names is not.
    expect(sentinelProblemsOf("sentinel-1", { ...says, master: "redis-2", known: ["redis-1 slave"] }, settings)).toEqual([]);
  });

  it("is not steady while a Sentinel still flags the master down: it may yet fail it over", () => {
    expect(sentinelProblemsOf("sentinel-2", { ...says, flags: "master,s_down,o_down" }, settings)).toEqual(["sentinel-2 flags the master master,s_down,o_down"]);
  });

  it("reports no quorum, disagreeing Sentinels, a master that is not one, two masters and a broken replica link", () => {
    expect(sentinelProblemsOf("sentinel-1", { ...says, quorum: "NOQUORUM 1 usable Sentinels" }, settings)).toEqual(["sentinel-1: Sentinel quorum: NOQUORUM 1 usable Sentinels"]);
    expect(sentinelAgreementProblems(["redis-1", "redis-2", "redis-1"], "master")).toEqual(["Sentinels disagree on the master: redis-1, redis-2, redis-1"]);
    expect(sentinelAgreementProblems(["redis-1", "redis-1", "redis-1"], "slave")).toEqual(["Sentinel reports redis-1 as master, but it is slave"]);
    expect(redisGroupProblems([["redis-1", master], ["redis-2", master]])).toEqual(["expected one Redis master: redis-1=master, redis-2=master"]);
    expect(redisGroupProblems([["redis-1", master], ["redis-2", { role: "slave", linkUp: false }]])).toEqual(["redis-2's link to its master is down"]);
    // A node that does not answer is not steady, even with one master agreed on (a killed old master, say).
    expect(redisGroupProblems([["redis-1", master], ["redis-2", { role: "unreachable", linkUp: null }]])).toContain("redis-2 is unreachable");
  });

  it("tells each Sentinel the whole set-up: its master, the replica, its peers by fixed ID", () => {
    const conf = sentinelConf("sentinel-1", settings);
    expect(conf).toContain("sentinel monitor brownout redis-1 6379 2");
    expect(conf).toContain("sentinel known-replica brownout redis-2 6379");
    expect(conf.match(/known-sentinel brownout sentinel-[23] 26379 [0-9a-f]{40}/g)).toHaveLength(2);
    expect(conf).not.toContain("client-reconfig-script");
  });

  it("runs a client-reconfig-script given from the config's folder, and names a missing one", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const raw = SENTINEL.relativeTo?.({ monitors: "redis-1", clientReconfigScript: "sentinel.test.ts" }, dir);
    const s = SENTINEL.settings({ name: "sentinel-1", kind: "sentinel", settings: raw });
    expect(s.clientReconfigScript).toBe(fileURLToPath(new URL("sentinel.test.ts", import.meta.url)));
    expect(sentinelConf("sentinel-1", s)).toContain("sentinel client-reconfig-script brownout /etc/brownout/client-reconfig.sh");
    expect(() => SENTINEL.settings({ name: "sentinel-1", kind: "sentinel", settings: SENTINEL.relativeTo?.({ monitors: "redis-1", clientReconfigScript: "nope.sh" }, dir) })).toThrow(/'clientReconfigScript' must be the path of an existing script file/);
  });
});
