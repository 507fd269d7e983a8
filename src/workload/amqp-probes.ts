import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import { within } from "../within.js";
import type { OpF } from "./op.js";
import type { Probe, ProbeOutcome } from "./scheduler.js";

/** Where an AMQP client connects (a broker, or a proxy in front of the cluster), as which user. */
export interface AmqpTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly vhost?: string;
}

export interface AmqpQueueOptions {
  readonly f: OpF;
  readonly name?: string;
  /** Asked at each new connection: a proxy's published port may change when it is recreated. */
  readonly target: AmqpTarget | (() => AmqpTarget);
  readonly queue: string;
  /**
   * The queue's arguments, declared (durable) on each new channel as the application does (`{ "x-queue-type":
   * "quorum" }`); `"passive"` only checks that it exists, for a queue the stack declares itself (definitions).
   */
  readonly declare: Readonly<Record<string, unknown>> | "passive";
  /** Connect timeout, ms (default 1000): TCP and the AMQP handshake. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a channel's setup may wait for the broker's answer (channel.open, basic.qos, queue.declare,
   * basic.consume), ms (default 5000): past it the connection is given up and the next op opens a new one. Without
   * it a setup the broker never answers (a quorum queue's leader cut off) would hold the client for good.
   */
  readonly rpcTimeoutMs?: number;
}

/** The default of `rpcTimeoutMs`. */
export const AMQP_RPC_TIMEOUT_MS = 5000;

const rpcTimeoutOf = (o: AmqpQueueOptions): number => o.rpcTimeoutMs ?? AMQP_RPC_TIMEOUT_MS;

/** How long a close waits for the broker's answer before the connection is given up. */
const CLOSE_GRACE_MS = 2000;

/** A message as delivered: by which channel (and which of the session's channels that was), for its ack. */
interface Delivery {
  readonly m: ConsumeMessage;
  readonly channel: Channel;
  readonly generation: number;
}

/** A connect or declare that failed: nothing was published or consumed on it. */
class NotConnected extends Error {}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** An abort of the op (its timeout) as a rejection, so that it can race the broker's answer. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error("timed out"));
    signal.addEventListener("abort", () => { reject(new Error("timed out")); }, { once: true });
  });
}

/**
 * One connection and one channel, opened on demand and given up when the broker or the proxy closes either: the
 * next op opens new ones, as an application's reconnect does. `generation` counts the channels opened.
 */
class Session<C extends Channel> {
  connection: ChannelModel | undefined;
  channel: C | undefined;
  generation = 0;
  #opening: Promise<C> | undefined;

  constructor(
    private readonly o: AmqpQueueOptions,
    private readonly open: (connection: ChannelModel) => Promise<C>,
    private readonly onLost: () => void,
  ) {}

  async get(signal: AbortSignal): Promise<C> {
    if (this.channel) return this.channel;
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = undefined;
    });
    return Promise.race([this.#opening, aborted(signal)]);
  }

  async #connect(): Promise<C> {
    const t = typeof this.o.target === "function" ? this.o.target() : this.o.target;
    let connection: ChannelModel;
    try {
      connection = await amqp.connect({ hostname: t.host, port: t.port, username: t.user, password: t.password, vhost: t.vhost ?? "/" }, { timeout: this.o.connectTimeoutMs ?? 1000 });
    } catch (e) {
      throw new NotConnected(`connect: ${message(e)}`);
    }
    connection.on("error", () => undefined);
    const rpc = rpcTimeoutOf(this.o);
    try {
      const channel = await within(this.open(connection), rpc, "open a channel");
      channel.on("error", () => undefined);
      if (this.o.declare === "passive") await within(channel.checkQueue(this.o.queue), rpc, "queue.declare (passive)");
      else await within(channel.assertQueue(this.o.queue, { durable: true, arguments: { ...this.o.declare } }), rpc, "queue.declare");
      const lost = () => {
        if (this.channel !== channel) return;
        this.channel = undefined;
        this.connection = undefined;
        this.onLost();
        void connection.close().catch(() => undefined);
      };
      channel.on("close", lost);
      connection.on("close", lost);
      this.connection = connection;
      this.channel = channel;
      this.generation += 1;
      return channel;
    } catch (e) {
      void connection.close().catch(() => undefined);
      throw new NotConnected(`open a channel on ${this.o.queue}: ${message(e)}`);
    }
  }

  #closing: Promise<void> | undefined;

  /** Closes it once an opening under way has ended too: a session given up mid-connect leaves no connection behind. */
  async dispose(): Promise<void> {
    await this.#opening?.catch(() => undefined);
    await this.close();
  }

  /** Closes the connection (what it holds unacknowledged goes back to the queue); resolves once it is closed. */
  close(): Promise<void> {
    const c = this.connection;
    const ch = this.channel;
    this.channel = undefined;
    this.connection = undefined;
    // What it delivered and no op took goes back with it: never acknowledged on another channel.
    if (ch) this.onLost();
    // The channel first: its close-ok comes once the broker has handled what was sent on it (the last acks). A
    // broker that is gone never answers: the socket is given up after a grace.
    const closing = async () => {
      await ch?.close().catch(() => undefined);
      await c?.close().catch(() => undefined);
    };
    if (c) this.#closing = Promise.race([closing(), new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    return this.#closing ?? Promise.resolve();
  }
}

/**
 * Publishes one persistent message per op to a queue, on a confirm channel kept across ops (reopened after the
 * broker or a proxy closed it), or on a connection of its own per op (`connection: "per-op"`, as a client that
 * connects for each message, so that a dead path costs one op and not the TCP retransmissions of a kept one), and
 * waits for the broker's confirm: `ok` is a confirmed message (the broker took responsibility for it), `fail` one
 * never sent (no connection, no channel), `info` one sent and not confirmed (a nack, a channel lost or a timeout
 * before the confirm: it may be in the queue). The op's key is the message id.
 */
export function amqpPublisher(o: AmqpQueueOptions & { readonly key: (seq: number) => string; readonly connection?: "kept" | "per-op" }): Probe & { close: () => Promise<void> } {
  const confirmChannel = () => new Session<ConfirmChannel>(o, (c) => c.createConfirmChannel(), () => undefined);
  // One session for every op, or none: each op then opens its own.
  const kept = o.connection === "per-op" ? undefined : confirmChannel();
  return {
    name: o.name ?? `${o.f}@amqp`,
    f: o.f,
    invoke: (seq) => ({ key: o.key(seq) }),
    async run(seq, signal): Promise<ProbeOutcome> {
      if (kept) return publishOn(kept, o.queue, o.key(seq), signal, true);
      const own = confirmChannel();
      try {
        return await publishOn(own, o.queue, o.key(seq), signal, false);
      } finally {
        // Its close is its own: the op is over once the broker confirmed.
        void own.dispose();
      }
    },
    close: () => kept?.close() ?? Promise.resolve(),
  };
}

/** One message published on a session's confirm channel and the broker's confirm awaited; `noted`: the channel's number in the op's note. */
async function publishOn(session: Session<ConfirmChannel>, queue: string, key: string, signal: AbortSignal, noted: boolean): Promise<ProbeOutcome> {
  let channel: ConfirmChannel;
  try {
    channel = await session.get(signal);
  } catch (e) {
    return { type: "fail", value: { key }, error: message(e) };
  }
  const value = { key, ...(noted ? { note: `channel ${String(session.generation)}` } : {}) };
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        channel.sendToQueue(queue, Buffer.from(key), { messageId: key, persistent: true }, (err) => {
          if (err) reject(new Error(`not confirmed: ${message(err)}`));
          else resolve();
        });
      }),
      aborted(signal),
    ]);
    return { type: "ok", value };
  } catch (e) {
    return { type: "info", value, error: message(e) };
  }
}

/**
 * Consumes a queue with manual acknowledgements, as a worker does: a consumer (basic.consume, `prefetch`
 * unacknowledged deliveries at most) on a channel kept across ops and reopened after the broker or a proxy closed
 * it. Each op takes the next delivery, acknowledges it and is `ok` with the message id as its key and the channel
 * that delivered it (`channel N` in its note, `redelivered` when the broker had delivered it before); an op that
 * gets no delivery within its timeout, or no channel, is `fail`. Deliveries not taken when a channel is lost are
 * dropped here: the broker requeues what was never acknowledged.
 */
export function amqpConsumer(o: AmqpQueueOptions & { readonly prefetch?: number; readonly ready?: () => boolean }): Probe & { close: () => Promise<void>; held: () => number; subscribed: () => boolean } {
  // Each delivery with the channel that made it: its ack must go back on that channel (an op that began on a
  // channel since lost takes the next delivery, from the new one, and acknowledges it there).
  const buffered: Delivery[] = [];
  const waiting: ((d: Delivery) => void)[] = [];
  const session = new Session<Channel>(
    o,
    async (c) => {
      const channel = await c.createChannel();
      await channel.prefetch(o.prefetch ?? 10);
      return channel;
    },
    () => {
      buffered.length = 0;
    },
  );
  let consuming: Channel | undefined;
  const subscribe = async (signal: AbortSignal): Promise<Channel> => {
    const channel = await session.get(signal);
    if (consuming !== channel) {
      consuming = channel;
      const generation = session.generation;
      const consumed = channel.consume(o.queue, (m) => {
        // null: the broker cancelled the consumer (its queue gone); the channel is given up and reopened.
        if (m === null) {
          void session.close();
          return;
        }
        if (session.channel !== channel) return;
        const d = { m, channel, generation };
        const next = waiting.shift();
        if (next) next(d);
        else buffered.push(d);
      }, { noAck: false });
      try {
        await within(consumed, rpcTimeoutOf(o), "basic.consume");
      } catch (e) {
        // A consumer the broker did not confirm may never be served: the connection is given up, the next op
        // subscribes on a new one.
        consumed.catch(() => undefined);
        if (session.channel === channel) await session.close();
        throw e;
      }
    }
    return channel;
  };
  return {
    name: o.name ?? `${o.f}@amqp`,
    f: o.f,
    ...(o.ready ? { ready: o.ready } : {}),
    async run(_seq, signal): Promise<ProbeOutcome> {
      try {
        await subscribe(signal);
      } catch (e) {
        return { type: "fail", error: message(e) };
      }
      let taker: ((d: Delivery) => void) | undefined;
      try {
        const { m, channel, generation } = buffered.shift() ?? (await Promise.race([
          new Promise<Delivery>((resolve) => {
            taker = resolve;
            waiting.push(resolve);
          }),
          aborted(signal),
        ]));
        const key = typeof m.properties.messageId === "string" ? m.properties.messageId : m.content.toString();
        const note = `channel ${String(generation)}${m.fields.redelivered ? " redelivered" : ""}`;
        try {
          channel.ack(m);
        } catch (e) {
          // Delivered, and its ack cannot be sent: the broker will deliver it again.
          return { type: "ok", value: { key, note: `${note} unacked` }, error: message(e) };
        }
        return { type: "ok", value: { key, note } };
      } catch (e) {
        return { type: "fail", error: `no delivery: ${message(e)}` };
      } finally {
        const i = taker ? waiting.indexOf(taker) : -1;
        if (i >= 0) waiting.splice(i, 1);
      }
    },
    close: () => session.close(),
    /** Deliveries received and not yet taken by an op. */
    held: () => buffered.length,
    /** Whether its consumer runs on an open channel. */
    subscribed: () => session.channel !== undefined && consuming === session.channel,
  };
}

/** Deliveries a drain holds unacknowledged at once: a quorum queue answers a basic.get per round trip, too slowly. */
const DRAIN_PREFETCH = 250;

/**
 * Takes every message left in a queue, each acknowledged: their ids, in order, the same id as often as it was
 * delivered. On a connection of its own, once the workload's clients are closed: it consumes as many messages as
 * the queue says it holds, then asks again, until the queue says none is left.
 */
export async function drainQueue(t: AmqpTarget, queue: string, connectTimeoutMs = 2000): Promise<string[]> {
  const connection = await amqp.connect({ hostname: t.host, port: t.port, username: t.user, password: t.password, vhost: t.vhost ?? "/" }, { timeout: connectTimeoutMs });
  connection.on("error", () => undefined);
  try {
    const channel = await connection.createChannel();
    await channel.prefetch(DRAIN_PREFETCH);
    const ids: string[] = [];
    for (let left = (await channel.checkQueue(queue)).messageCount; left > 0; left = (await channel.checkQueue(queue)).messageCount) {
      const want = ids.length + left;
      let tag = "";
      await new Promise<void>((resolve, reject) => {
        channel.once("close", () => { reject(new Error(`the channel closed while draining ${queue}`)); });
        channel
          .consume(queue, (m) => {
            if (m === null) {
              reject(new Error(`the broker cancelled the drain of ${queue}`));
              return;
            }
            ids.push(typeof m.properties.messageId === "string" ? m.properties.messageId : m.content.toString());
            channel.ack(m);
            if (ids.length >= want) resolve();
          }, { noAck: false })
          .then((ok) => {
            tag = ok.consumerTag;
          }, reject);
      });
      await channel.cancel(tag);
    }
    return ids;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
