import type { AnyF, Completed, OpF, OpType, OpValue } from "../workload/op.js";

let nextId = 0;

/** A completed op for checker tests: `op("product-read", "ok", 100, { key: "p1", version: 2 })`. */
export function op(f: AnyF, type: Exclude<OpType, "invoke">, start: number, value?: OpValue, process = `${f}@test`, end = start + 5): Completed {
  return { id: nextId++, process, f, type, start, end, ...(value ? { value } : {}) };
}

/** Ops of one kind every `every` ms from `from` to `to`, typed by a function of their start time. */
export function series(f: OpF, from: number, to: number, every: number, type: (t: number) => Exclude<OpType, "invoke">, value?: (t: number) => OpValue, process?: string): Completed[] {
  const out: Completed[] = [];
  for (let t = from; t < to; t += every) out.push(op(f, type(t), t, value?.(t), process));
  return out;
}
