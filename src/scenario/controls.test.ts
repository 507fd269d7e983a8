import { describe, expect, it } from "vitest";
import { op, series } from "../assertions/testing.js";
import type { Mechanisms } from "../stack/mechanisms.js";
import { resolveSpec } from "../cluster/topology.js";
import { activeFault } from "../cluster/fault-handle.js";
import { History } from "../workload/history.js";
import { NEMESIS, completions } from "../workload/op.js";
import { mechanismControls, stepsRanAsDeclared } from "./controls.js";
import { steadyHypothesis } from "./hypothesis.js";
import { Nemesis } from "./nemesis.js";
import { faultInForceAt, healAskedAt, type Evidence } from "./define.js";

const spec = resolveSpec({ postgres: { synchronous: true } });
const sentinel = (s: string, downAfterMs = 1000) => ({ sentinel: s, master: "redis-1", downAfterMs, failoverTimeoutMs: 5000, quorum: 2, replicas: 1, otherSentinels: 2 });
const pgPrimary = (syncState: string) => ({ role: "primary", inRecovery: false, synchronousStandbyNames: '"pg-replica"', replication: { "pg-replica": { state: "streaming", syncState } } });
const pgReplica = { role: "replica", inRecovery: true, walReceiverTimeoutMs: 5000, recoveryMinApplyDelayMs: 0 };
const caddy = { policy: "first", upstreams: ["app-gra:8080", "app-sbg:8080"], healthUri: "/health", healthIntervalMs: 500, healthTimeoutMs: 400, failDurationMs: 2000, maxFails: 1, tryDurationMs: 1000, dialTimeoutMs: 300 };
const haproxy = {
  servers: [{ backend: "mysql", server: "mysql-1", rise: 2, fall: 2, checkStatus: "L7OK" }],
  config: "inter 500ms fastinter 500ms downinter 100ms fall 2 rise 2\n  timeout check 400ms\n",
};
const redis = (role: string, withoutTtl = 0) => ({ role, linkUp: role === "slave" ? true : null, appendOnly: true, minReplicasToWrite: 0, minReplicasMaxLagS: 10, cache: { pattern: "product:*", entries: 2, withoutTtl, maxTtlS: 58 } });
const good: Mechanisms = {
  nodes: {
    "pg-primary": pgPrimary("sync"),
    "pg-replica": pgReplica,
    "sentinel-1": sentinel("sentinel-1"),
    "sentinel-2": sentinel("sentinel-2"),
    "sentinel-3": sentinel("sentinel-3"),
    "redis-1": redis("master"),
    "redis-2": redis("slave"),
    haproxy,
    caddy,
    "app-gra": { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "300" },
    "app-sbg": { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "300" },
    "mysql-1": { io: "Yes", sql: "Yes", secondsBehind: 0, lastError: "", gtidCurrentPos: "" },
    "mysql-2": { io: "Yes", sql: "Yes", secondsBehind: 0, lastError: "", gtidCurrentPos: "" },
  },
};
const ALL = ["sentinel", "haproxy-checks", "pg-streaming", "caddy-failover", "app-settings", "mysql-replication", "cache-ttl"] as const;

describe("mechanism controls", () => {
  it("hold when the running servers have what the spec says", () => {
    const results = mechanismControls(good, spec, ALL);
    expect(results.map((r) => [r.name, r.valid, r.kind])).toEqual(ALL.map((_, i) => [results[i]?.name, true, "control"]));
    // Each reads a setting back: it proves the config, and a mutant it alone kills is reported apart.
    expect(results.every((r) => r.readsBack === true)).toBe(true);
  });

  it("match settings as words, not substrings: fastinter is not inter", () => {
    const onlyFast: Mechanisms = { ...good, nodes: { ...good.nodes, haproxy: { servers: haproxy.servers, config: "fastinter 500ms downinter 100ms fall 2 rise 2\n  timeout check 400ms\n" } } };
    const [r] = mechanismControls(onlyFast, spec, ["haproxy-checks"]);
    expect(r?.valid).toBe(false);
    expect(r?.detail).toMatch(/no 'inter 500ms'/);
  });

  it("fail on each kind of drift, naming the setting", () => {
    const drifted: Mechanisms = {
      nodes: { "pg-primary": pgPrimary("async"), "pg-replica": pgReplica, "sentinel-1": sentinel("sentinel-1", 30_000), "sentinel-2": sentinel("sentinel-2"), "sentinel-3": sentinel("sentinel-3"), "redis-1": redis("master", 1), "redis-2": redis("slave"), haproxy: { servers: [{ backend: "mysql", server: "mysql-1", rise: 2, fall: 2, checkStatus: "" }], config: "inter 500ms\n" }, caddy: { ...caddy, policy: "random" }, "app-gra": { APP_DEP_TIMEOUT_MS: "5000", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "300" }, "app-sbg": { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "300" }, "mysql-1": { io: "No", sql: "Yes", secondsBehind: null, lastError: "connecting", gtidCurrentPos: "" }, "mysql-2": { unreachable: "refused" } },
    };
    const r = mechanismControls(drifted, spec, ALL);
    expect(r.map((x) => x.valid)).toEqual([false, false, false, false, false, false, false]);
    expect(r[6]?.detail).toMatch(/2 entries on redis-1: 1 without expiry/);
    expect(r[0]?.detail).toMatch(/sentinel-1 down-after-milliseconds 30000 ≠ spec 1000/);
    expect(r[1]?.detail).toMatch(/mysql\/mysql-1 has no health check; .*no 'downinter 100ms'/);
    expect(r[2]?.detail).toMatch(/sync_state async ≠ spec sync/);
    expect(r[3]?.detail).toMatch(/lb_policy random ≠ spec first/);
    expect(r[4]?.detail).toMatch(/gra APP_DEP_TIMEOUT_MS 5000 ≠ spec 800/);
    expect(r[5]?.detail).toMatch(/mysql-1 IO No.*mysql-2 unreachable/);
  });

  it("dual write: holds when both sites are told about pg-db2 with the spec's policy, fails otherwise", () => {
    const dual = resolveSpec({ postgres: { db2: true } });
    const site = { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "300" };
    const env = (extra: Record<string, string>): Mechanisms => ({ ...good, nodes: { ...good.nodes, "app-gra": { ...site, ...extra }, "app-sbg": { ...site, ...extra } } });
    const told = { APP_PG_DB2: "pg-db2:5432", APP_PG_DB2_ACK: "any" };
    expect(mechanismControls(env(told), dual, ["dual-write"])[0]?.valid).toBe(true);
    const off = mechanismControls(env({}), dual, ["dual-write"])[0];
    expect(off?.valid).toBe(false);
    expect(off?.detail).toMatch(/gra APP_PG_DB2 undefined ≠ spec pg-db2:5432/);
    expect(mechanismControls(env({ ...told, APP_PG_DB2_ACK: "all" }), dual, ["dual-write"])[0]?.detail).toMatch(/APP_PG_DB2_ACK all ≠ spec any/);
    expect(mechanismControls(env(told), spec, ["dual-write"])[0]?.valid).toBe(false);
  });

  it("fail when /health could outlast the proxies' checks", () => {
    const slowHealth = resolveSpec({ postgres: { synchronous: true }, timings: { app: { healthTimeoutMs: 800 } } });
    const nodes = { "app-gra": { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "800" }, "app-sbg": { APP_DEP_TIMEOUT_MS: "800", APP_CACHE_TTL_S: "60", APP_READ_POLICY: "fallback", APP_HEALTH_TIMEOUT_MS: "800" } };
    const r = mechanismControls({ nodes }, slowHealth, ["app-settings"])[0];
    expect(r?.valid).toBe(false);
    expect(r?.detail).toMatch(/health timeout 800 ms is not below the proxies' check timeouts \(Caddy 400 ms, HAProxy 400 ms\)/);
  });

  it("fail when a mechanism could not be read, and say unknown when the topology has none", () => {
    expect(mechanismControls({ nodes: { "sentinel-1": { error: "timeout" }, "sentinel-2": sentinel("sentinel-2") } }, spec, ["sentinel"])[0]).toMatchObject({ valid: false, detail: expect.stringMatching(/timeout/) as unknown });
    expect(mechanismControls({}, spec, ["caddy-failover"])[0]?.valid).toBe("unknown");
  });
});

describe("steady-state hypothesis", () => {
  it("holds when every probe served in the window and fails on one failure, naming it", () => {
    const ok = series("product-read", 0, 2000, 50, () => "ok");
    expect(steadyHypothesis(ok, { from: 0, to: 2000 }, "before the fault")).toMatchObject({ valid: true, kind: "control" });
    const broken = [...ok, op("session-read", "fail", 500, { status: 401 })];
    const r = steadyHypothesis(broken, { from: 0, to: 2000 }, "before the fault");
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/session-read 0\/1 ok \(first failure at 500 ms: 401\)/);
    // Ops the scenario says changed for good are left out; nemesis ops never count.
    expect(steadyHypothesis(broken, { from: 0, to: 2000 }, "after", (o) => o.f === "session-read").valid).toBe(true);
    expect(steadyHypothesis([op("kill", "info", 10, {}, NEMESIS)], { from: 0, to: 2000 }, "x").valid).toBe("unknown");
  });
});

describe("nemesis", () => {
  it("records each step as a nemesis op and a journal line, its heal too, and a failed heal as failed", async () => {
    let now = 0;
    const history = new History(() => now);
    const nemesis = new Nemesis(history);
    const fault = await nemesis.step("fault", "kill", "redis-1", "kill redis-1", () => {
      now = 20;
      return Promise.resolve(activeFault("kill redis-1", () => Promise.reject(new Error("container gone")), "redis-1"));
    });
    const recorded = nemesis.recordHeal(fault, "redis-1");
    await expect(recorded.heal()).rejects.toThrow(/container gone/);
    const ops = completions(history.ops).filter((o) => o.process === NEMESIS);
    expect(ops.map((o) => [o.f, o.type, o.value?.target])).toEqual([
      ["kill", "ok", "redis-1"],
      ["heal", "info", "redis-1"],
    ]);
    expect(nemesis.journal.map((j) => [j.phase, j.f, j.outcome, j.durationMs])).toEqual([
      ["fault", "kill", "ok", 20],
      ["heal", "heal", "failed", 0],
    ]);
    expect(nemesis.journal[1]?.error).toBe("container gone");
  });

  it("the declared fault steps must have run, and run without failure", () => {
    const declared = [{ atMs: 0, action: "kill", target: "redis-1" }, { atMs: 4000, action: "heal: start again", target: "redis-1" }];
    const step = (target: string, outcome: "ok" | "failed") => ({ phase: "fault" as const, f: "kill" as const, target, description: `kill ${target}`, t: 2000, durationMs: 5, at: "", outcome });
    expect(stepsRanAsDeclared(declared, [step("redis-1", "ok")]).valid).toBe(true);
    expect(stepsRanAsDeclared(declared, [step("redis-2", "ok")])).toMatchObject({ valid: false, detail: expect.stringMatching(/declared but not run: kill on redis-1/) as unknown });
    expect(stepsRanAsDeclared(declared, [step("redis-1", "failed")]).valid).toBe(false);
    expect(stepsRanAsDeclared(declared, []).valid).toBe(false);
  });
});

describe("the fault's window", () => {
  it("runs from the fault step's answer to the heal step's start, not to the mark set once the heal finished", () => {
    const journal = [
      { phase: "fault", f: "kill", target: "app-gra", description: "kill", t: 1000, durationMs: 40, at: "", outcome: "ok" },
      { phase: "heal", f: "heal", target: "app-gra", description: "heal", t: 5000, durationMs: 1800, at: "", outcome: "ok" },
    ];
    const e = { journal, at: { steady: 0, fault: 990, heal: 6810, steadyAt: 7000, end: 9000 } } as unknown as Evidence;
    expect(faultInForceAt(e)).toBe(1040);
    expect(healAskedAt(e)).toBe(5000);
    expect(healAskedAt({ ...e, journal: [] })).toBe(6810);
  });
});
