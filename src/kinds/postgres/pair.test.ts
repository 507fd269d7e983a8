import { describe, expect, it } from "vitest";
import { type PostgresSays, postgresProblemsOf } from "./node.js";

const primary: PostgresSays = { name: "pg-primary", role: "primary", inRecovery: false };
const replica: PostgresSays = { name: "pg-replica", role: "replica", inRecovery: true, stream: { state: "streaming", lagBytes: 0 } };

describe("postgres steady state", () => {
  it("accepts a streaming replica that has replayed everything", () => {
    expect(postgresProblemsOf([primary, replica])).toEqual([]);
  });

  it("reports lag, a missing stream and two primaries", () => {
    expect(postgresProblemsOf([primary, { ...replica, stream: { state: "streaming", lagBytes: 8192 } }])).toEqual(["pg-replica replay lags by 8192 bytes"]);
    expect(postgresProblemsOf([primary, { ...replica, stream: null }])).toEqual(["pg-replica replication is absent, not streaming", "pg-replica replay lags by null bytes"]);
    expect(postgresProblemsOf([primary, { ...replica, inRecovery: false }])).toEqual(["pg-replica is not in recovery (a second primary)"]);
    expect(postgresProblemsOf([{ ...primary, inRecovery: true }, replica])).toEqual(["pg-primary is in recovery (not a primary)"]);
  });

  it("names a node that did not answer: a pair's as postgres (what a kill tolerates), a standalone one by name", () => {
    expect(postgresProblemsOf([{ name: "pg-primary", role: "primary", error: "connect ECONNREFUSED", paired: true }, replica])).toEqual(["postgres: connect ECONNREFUSED"]);
    expect(postgresProblemsOf([{ name: "pg-db2", role: "primary", error: "timeout", paired: false }])).toEqual(["pg-db2 does not answer: timeout"]);
  });
});
