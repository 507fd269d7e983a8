import type { Completed, OpF } from "../workload/op.js";
import { type CheckResult, result } from "./check.js";
import { lostWrites } from "./lost-writes.js";

export interface QueueDeliveryOptions {
  /** The publishes' op kind: `ok` is a confirmed message, its key the message id. */
  readonly publish: OpF;
  /** The consumers' op kind: `ok` is a delivery, its key the message id, its note `channel N` (the consumer's channel). */
  readonly consume: OpF;
  /** The ids a final drain of the queue took (after the consumers closed), as often as each came; null if it failed. */
  readonly drained: readonly string[] | null;
  /** The final read the drain was recorded as (its `of`), for an outside checker that recomputes this. */
  readonly finalRead?: string;
  /** Unacknowledged deliveries a consumer's channel may hold (its prefetch): what a lost channel may deliver again. */
  readonly prefetch: number;
}

/**
 * The channel an AMQP probe's op was on, as its note names it (`channel 3 redelivered` is 3): the probes count the
 * channels each opens; undefined when the op had none.
 */
export function amqpChannelOf(note: string | undefined): number | undefined {
  const n = /^channel (\d+)/.exec(note ?? "")?.[1];
  return n === undefined ? undefined : Number(n);
}

/**
 * At-least-once delivery, checked from the history: every confirmed message was delivered (to a consumer during
 * the run, or by the final drain), and a message delivered more than once was one a consumer's lost channel held
 * unacknowledged: at most `prefetch` for each channel lost (each consumer's channels but its last). Duplicates
 * beyond that are a regression (acknowledgements lost while channels stay up, or requeued messages delivered twice).
 */
export function queueDeliveries(ops: readonly Completed[], o: QueueDeliveryOptions): CheckResult[] {
  const delivered = ops.filter((x) => x.f === o.consume && x.type === "ok" && x.value?.key !== undefined);
  const keys = [...delivered.map((x) => x.value?.key ?? ""), ...(o.drained ?? [])];
  const present = o.drained === null ? null : new Set(keys);
  const lost = lostWrites(ops, { f: o.publish, present, finalRead: o.finalRead ?? o.consume, consumedBy: o.consume, label: `(delivered to a ${o.consume} or drained)` });
  const seen = new Map<string, number>();
  for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  const channels = new Map<string, Set<number>>();
  for (const x of delivered) {
    const c = amqpChannelOf(x.value?.note);
    if (c !== undefined) channels.set(x.process, (channels.get(x.process) ?? new Set()).add(c));
  }
  const channelsLost = [...channels.values()].reduce((n, s) => n + s.size - 1, 0);
  const allowed = channelsLost * o.prefetch;
  const name = `${o.consume} duplicates within what lost channels held`;
  const figures = { deliveries: keys.length, duplicates, channelsLost, prefetch: o.prefetch, allowedDuplicates: allowed };
  if (o.drained === null) return [lost, result(name, "unknown", "the final drain failed", figures)];
  const twice = [...seen.entries()].filter(([, c]) => c > 1).map(([k]) => k);
  return [
    lost,
    result(
      name,
      duplicates <= allowed,
      `${String(duplicates)} duplicate deliveries (at-least-once) of ${String(keys.length)}; ${String(channelsLost)} consumer channel(s) lost, each holding at most ${String(o.prefetch)} unacknowledged (prefetch): ${String(allowed)} allowed${twice.length ? `; first: ${twice.slice(0, 3).join(", ")}` : ""}`,
      figures,
    ),
  ];
}
