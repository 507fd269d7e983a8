import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../kinds/index.js";
import { RABBITMQ_PORTS } from "../kinds/rabbitmq/node.js";
import { type StartedTopology, startTopology } from "../stack/index.js";
import { type AmqpTarget, amqpConsumer, amqpPublisher, drainQueue } from "./amqp-probes.js";

// The AMQP probes against a real RabbitMQ node (the rabbitmq kind, a one-node cluster with a quorum queue it
// declares): what an op is when the broker confirms and delivers, and when there is no broker or no queue.
describe("AMQP probes", { timeout: 180_000 }, () => {
  let topology: StartedTopology;
  let target: AmqpTarget;
  const signal = () => AbortSignal.timeout(3000);

  beforeAll(async () => {
    topology = await startTopology({ slices: [], nodes: [{ name: "rabbit-1", kind: "rabbitmq", settings: { members: ["rabbit-1"], queues: [{ name: "jobs", type: "quorum" }] } }] });
    const n = topology.node("rabbit-1");
    target = { host: n.getHost(), port: n.getMappedPort(RABBITMQ_PORTS.amqp), user: "brownout", password: "brownout" };
  }, 180_000);

  /** The broker closes every client connection (as a node pausing in a minority does), through its management API. */
  async function closeAllConnections(): Promise<void> {
    const n = topology.node("rabbit-1");
    const api = `http://${n.getHost()}:${String(n.getMappedPort(RABBITMQ_PORTS.management))}/api`;
    const headers = { authorization: `Basic ${Buffer.from("brownout:brownout").toString("base64")}` };
    // The management API lists a connection a moment after it opens.
    await expect.poll(async () => ((await (await fetch(`${api}/connections`, { headers })).json()) as unknown[]).length, { timeout: 10_000 }).toBeGreaterThan(0);
    for (const c of (await (await fetch(`${api}/connections`, { headers })).json()) as { name: string }[]) {
      const r = await fetch(`${api}/connections/${encodeURIComponent(c.name)}`, { method: "DELETE", headers });
      expect(r.ok).toBe(true);
    }
  }

  afterAll(async () => {
    await topology[Symbol.asyncDispose]();
  });

  it("a confirmed publish is ok with its message id; a worker takes it, acknowledged; the drain takes what is left", async () => {
    const publisher = amqpPublisher({ f: "enqueue", target, queue: "jobs", declare: "passive", key: (n) => `m${String(n)}` });
    expect(await publisher.run(1, signal())).toMatchObject({ type: "ok", value: { key: "m1", note: "channel 1" } });
    expect(await publisher.run(2, signal())).toMatchObject({ type: "ok", value: { key: "m2", note: "channel 1" } });
    const worker = amqpConsumer({ f: "dequeue", target, queue: "jobs", declare: "passive", prefetch: 1 });
    expect(await worker.run(0, signal())).toMatchObject({ type: "ok", value: { key: "m1", note: "channel 1" } });
    await Promise.all([worker.close(), publisher.close()]);
    // m1 was acknowledged; m2, delivered to the closed worker or not, is back in the queue.
    expect(await drainQueue(target, "jobs")).toEqual(["m2"]);
    expect(await drainQueue(target, "jobs")).toEqual([]);
  });

  it("an op waiting when the broker closes the worker's connection takes the next delivery on the new channel and acknowledges it there: the worker is served again", async () => {
    const publisher = amqpPublisher({ f: "enqueue", target, queue: "jobs", declare: "passive", key: (n) => `r${String(n)}` });
    const worker = amqpConsumer({ f: "dequeue", target, queue: "jobs", declare: "passive", prefetch: 1 });
    const long = () => AbortSignal.timeout(15_000);
    // Subscribed on channel 1, an op waits for a delivery; the broker closes every connection (a node pausing).
    const first = await worker.run(0, signal()); // nothing queued: subscribes, then fails for want of a delivery
    expect(first).toMatchObject({ type: "fail" });
    const waitingOp = worker.run(1, long());
    await closeAllConnections();
    await expect.poll(() => worker.subscribed(), { timeout: 5000 }).toBe(false);
    // The next op subscribes on channel 2; the first delivery there goes to the op that began on channel 1, and its
    // ack must go back on channel 2, or that channel's one slot (prefetch 1) stays taken and the worker starves.
    const next = worker.run(2, long());
    await expect.poll(() => worker.subscribed(), { timeout: 5000 }).toBe(true);
    expect(await publisher.run(1, signal())).toMatchObject({ type: "ok" });
    expect(await waitingOp).toMatchObject({ type: "ok", value: { key: "r1", note: "channel 2" } });
    expect(await publisher.run(2, signal())).toMatchObject({ type: "ok" });
    expect(await next).toMatchObject({ type: "ok", value: { key: "r2", note: "channel 2" } });
    await Promise.all([worker.close(), publisher.close()]);
    expect(await drainQueue(target, "jobs")).toEqual([]);
  });

  it("a publisher with a connection per op confirms each message on a connection of its own, and leaves none open", async () => {
    const n = topology.node("rabbit-1");
    const api = `http://${n.getHost()}:${String(n.getMappedPort(RABBITMQ_PORTS.management))}/api`;
    const headers = { authorization: `Basic ${Buffer.from("brownout:brownout").toString("base64")}` };
    const publisher = amqpPublisher({ f: "enqueue", target, queue: "jobs", declare: "passive", key: (i) => `p${String(i)}`, connection: "per-op" });
    for (const i of [1, 2, 3]) expect(await publisher.run(i, signal())).toEqual({ type: "ok", value: { key: `p${String(i)}` } });
    // Each op's connection closes behind it; the management API lists what is still open a moment later.
    await expect.poll(async () => ((await (await fetch(`${api}/connections`, { headers })).json()) as unknown[]).length, { timeout: 10_000 }).toBe(0);
    expect(await drainQueue(target, "jobs")).toEqual(["p1", "p2", "p3"]);
    // Without a broker, each op fails on its own connect.
    expect(await amqpPublisher({ f: "enqueue", target: { ...target, port: 1 }, queue: "jobs", declare: "passive", key: () => "z", connection: "per-op" }).run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/^connect: /) as unknown });
  });

  it("without a broker, a publish and a delivery certainly did not happen: fail", async () => {
    const nowhere = { ...target, port: 1 };
    expect(await amqpPublisher({ f: "enqueue", target: nowhere, queue: "jobs", declare: "passive", key: () => "x" }).run(0, signal())).toMatchObject({ type: "fail", value: { key: "x" }, error: expect.stringMatching(/^connect: /) as unknown });
    expect(await amqpConsumer({ f: "dequeue", target: nowhere, queue: "jobs", declare: "passive" }).run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/^connect: /) as unknown });
  });

  it("a queue the stack did not declare fails the passive check; a worker with nothing to take fails its op", async () => {
    const missing = amqpPublisher({ f: "enqueue", target, queue: "nope", declare: "passive", key: () => "y" });
    expect(await missing.run(0, signal())).toMatchObject({ type: "fail", error: expect.stringMatching(/open a channel on nope: .*NOT_FOUND/) as unknown });
    const idle = amqpConsumer({ f: "dequeue", target, queue: "jobs", declare: "passive" });
    expect(await idle.run(0, AbortSignal.timeout(500))).toMatchObject({ type: "fail", error: expect.stringMatching(/^no delivery: /) as unknown });
    await Promise.all([missing.close(), idle.close()]);
  });
});
