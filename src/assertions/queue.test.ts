import { describe, expect, it } from "vitest";
import { queueDeliveries } from "./queue.js";
import { op } from "./testing.js";

const published = (keys: string[]) => keys.map((k, i) => op("enqueue", "ok", i * 10, { key: k }));
const got = (k: string, channel: number, t = 500) => op("dequeue", "ok", t, { key: k, note: `channel ${String(channel)}` }, "dequeue@test");

describe("the queue delivery checker", () => {
  it("passes when every confirmed message was delivered or drained, and fails a history that lost one", () => {
    const ops = [...published(["m1", "m2", "m3"]), got("m1", 1), got("m2", 1)];
    const [lost, dup] = queueDeliveries(ops, { publish: "enqueue", consume: "dequeue", drained: ["m3"], prefetch: 10 });
    expect(lost).toMatchObject({ valid: true, figures: { acknowledged: 3, lost: 0 } });
    expect(dup).toMatchObject({ valid: true, figures: { duplicates: 0 } });
    const [broken] = queueDeliveries(ops, { publish: "enqueue", consume: "dequeue", drained: [], prefetch: 10 });
    expect(broken).toMatchObject({ valid: false, figures: { lost: 1 } });
    expect(broken?.detail).toMatch(/m3/);
  });

  it("never counts an unconfirmed publish as lost", () => {
    const ops = [op("enqueue", "info", 0, { key: "m1" }), op("enqueue", "ok", 10, { key: "m2" }), got("m2", 1)];
    expect(queueDeliveries(ops, { publish: "enqueue", consume: "dequeue", drained: [], prefetch: 1 })[0]).toMatchObject({ valid: true, figures: { lost: 0, unknown: 1 } });
  });

  it("allows duplicates up to the prefetch of each lost channel, and fails more", () => {
    const ops = [...published(["m1", "m2", "m3"]), got("m1", 1), got("m2", 1), got("m2", 2), got("m3", 2)];
    expect(queueDeliveries(ops, { publish: "enqueue", consume: "dequeue", drained: [], prefetch: 1 })[1]).toMatchObject({ valid: true, figures: { duplicates: 1, channelsLost: 1, allowedDuplicates: 1 } });
    // No channel lost, and a message delivered twice: acknowledgements lost on a channel that stayed up.
    const same = [...published(["m1", "m2"]), got("m1", 1), got("m2", 1), got("m1", 1)];
    expect(queueDeliveries(same, { publish: "enqueue", consume: "dequeue", drained: ["m2"], prefetch: 10 })[1]).toMatchObject({ valid: false, figures: { duplicates: 2, channelsLost: 0 } });
  });

  it("is unknown when the final drain failed", () => {
    const r = queueDeliveries(published(["m1"]), { publish: "enqueue", consume: "dequeue", drained: null, prefetch: 1 });
    expect(r.map((c) => c.valid)).toEqual(["unknown", "unknown"]);
  });
});
