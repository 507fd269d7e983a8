import type { StartedTestContainer } from "testcontainers";
import { describe, expect, it } from "vitest";
import { partsFromSnapshot, snapshotOf } from "../stack/facts.js";
import { FactsPoller } from "./facts-poller.js";

const fake = (id: string, ports: Record<number, number>) =>
  ({
    getId: () => id,
    getHost: () => "127.0.0.1",
    getMappedPort: (p: number) => {
      const m = ports[p];
      if (m === undefined) throw new Error("not mapped");
      return m;
    },
  }) as unknown as StartedTestContainer;

describe("facts on a worker thread", () => {
  it("carries every node's address through a snapshot", () => {
    const parts = { postgres: { primary: fake("p1", { 5432: 40001 }), replica: fake("p2", { 5432: 40002, 8008: 40003 }) } };
    const back = partsFromSnapshot(structuredClone(snapshotOf(parts)));
    expect(back.postgres?.replica.getMappedPort(5432)).toBe(40002);
    expect(back.postgres?.primary.getMappedPort(5432)).toBe(40001);
    expect(() => back.postgres?.primary.getMappedPort(6379)).toThrow(/port 6379 is not mapped/);
  });

  it("runs a look on its own thread and answers with plain data", async () => {
    const poller = new FactsPoller();
    try {
      expect(await poller.look({})).toEqual({ facts: {}, problems: [] });
      // A node that does not answer is a problem in the facts, not a crash of the worker.
      const down = await poller.look({ postgres: { primary: { id: "p1", host: "127.0.0.1", ports: { 5432: 1 } }, replica: { id: "p2", host: "127.0.0.1", ports: { 5432: 1 } } } });
      expect(down.problems.some((p) => p.startsWith("postgres:"))).toBe(true);
    } finally {
      await poller.close();
    }
  });
});
