import type { History } from "./history.js";
import type { Completed, OpValue } from "./op.js";

/** The op kind of final reads: Jepsen's `:final-read`, an op of the history like any other. */
export const FINAL_READ = "final-read";

/** Each final read is its own process (one op at a time per process, as Jepsen's histories have it). */
const processOf = (of: string, node?: string) => `final:${of}${node ? `@${node}` : ""}`;

/** What a final read returns: the keys present (a set workload), or rows by key (for the divergence check). */
export type FinalValue = ReadonlySet<string> | ReadonlyMap<string, string>;

/** What a final read found, as an op's value: `of` names what it read (an op kind, or a table), `node` where. */
function valueOf(of: string, node: string | undefined, v: FinalValue | null): OpValue {
  const where = { of, ...(node ? { node } : {}) };
  if (v === null) return where;
  if (v instanceof Map) return { ...where, rows: Object.fromEntries([...(v as ReadonlyMap<string, string>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  return { ...where, keys: [...(v as ReadonlySet<string>)].sort() };
}

/**
 * Runs one final read as an op of the history (invoke, then ok with what it found, or fail when it could not
 * read), so an outside checker recomputes lost-write and divergence verdicts from the exported history alone.
 */
export async function readFinal<T extends FinalValue>(history: History, of: string, read: () => Promise<T | null>, node?: string): Promise<T | null> {
  const process = processOf(of, node);
  const id = history.invoke(process, FINAL_READ, { of, ...(node ? { node } : {}) });
  let v: T | null;
  try {
    v = await read();
  } catch (e) {
    history.complete(id, process, FINAL_READ, "fail", valueOf(of, node, null), e instanceof Error ? e.message : String(e));
    return null;
  }
  history.complete(id, process, FINAL_READ, v === null ? "fail" : "ok", valueOf(of, node, v), v === null ? "the read found nothing to read" : undefined);
  return v;
}

/** Records reads already made (invoked at `start`): one op per entry, each with the keys it found. */
export function recordFinalReads(history: History, start: number, reads: Readonly<Record<string, ReadonlySet<string> | null | undefined>>): void {
  for (const [of, v] of Object.entries(reads)) {
    if (v === undefined) continue;
    history.record(processOf(of), FINAL_READ, start, v === null ? "fail" : "ok", valueOf(of, undefined, v), v === null ? "the final read failed" : undefined);
  }
}

const finals = (ops: readonly Completed[], of: string, node?: string) => ops.filter((o) => o.f === FINAL_READ && o.value?.of === of && o.value.node === node);

/** The keys the last final read of `of` (on `node`) found, from the history: null when it failed or never ran. */
export function finalKeys(ops: readonly Completed[], of: string, node?: string): ReadonlySet<string> | null {
  const last = finals(ops, of, node).at(-1);
  if (last?.type !== "ok") return null;
  const keys = last.value?.keys ?? Object.keys(last.value?.rows ?? {});
  return new Set(keys);
}

/** The rows the last final read of `of` on `node` found, from the history: null when it failed or never ran. */
export function finalRows(ops: readonly Completed[], of: string, node: string): ReadonlyMap<string, string> | null {
  const last = finals(ops, of, node).at(-1);
  if (last?.type !== "ok" || !last.value?.rows) return null;
  return new Map(Object.entries(last.value.rows));
}

/** Every key-set final read of the history, by what it read (the nodeless ones: a workload's final reads). */
export function finalReadsOf(ops: readonly Completed[]): Record<string, ReadonlySet<string> | null> {
  const out: Record<string, ReadonlySet<string> | null> = {};
  for (const o of ops) if (o.f === FINAL_READ && o.value?.of !== undefined && o.value.node === undefined) out[o.value.of] = finalKeys(ops, o.value.of);
  return out;
}
