import { describe, expect, it } from "vitest";
import { postgresProblems } from "./pair.js";

const steady = { replication: "streaming", replayLagBytes: 0, primaryInRecovery: false, replicaInRecovery: true };

describe("postgres steady state", () => {
  it("accepts a streaming replica that has replayed everything", () => {
    expect(postgresProblems(steady)).toEqual([]);
  });

  it("reports lag, a missing stream and two primaries", () => {
    expect(postgresProblems({ ...steady, replayLagBytes: 8192 })).toEqual(["pg-replica replay lags by 8192 bytes"]);
    expect(postgresProblems({ ...steady, replication: "absent", replayLagBytes: null })).toEqual([
      "pg-replica replication is absent, not streaming",
      "pg-replica replay lags by null bytes",
    ]);
    expect(postgresProblems({ ...steady, replicaInRecovery: false })).toEqual(["pg-replica is not in recovery (a second primary)"]);
  });
});
