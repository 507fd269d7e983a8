import { NEMESIS, type Op, type OpValue } from "../workload/op.js";

/** An EDN value as written here: enough for Jepsen's histories. */
type Edn = null | boolean | number | string | readonly Edn[] | { readonly edn: "kw"; readonly name: string } | { readonly edn: "map"; readonly pairs: readonly (readonly [Edn, Edn])[] };

const kw = (name: string): Edn => ({ edn: "kw", name: name.replace(/[^A-Za-z0-9*+!_?<>=.-]/g, "-") });
const map = (pairs: readonly (readonly [Edn, Edn])[]): Edn => ({ edn: "map", pairs });

function write(v: Edn): string {
  if (v === null) return "nil";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(v) : "nil";
  if (typeof v === "string") return JSON.stringify(v); // EDN strings take JSON's escapes for ", \, newline, tab
  if (Array.isArray(v)) return `[${v.map(write).join(" ")}]`;
  const tagged = v as Exclude<Edn, null | boolean | number | string | readonly Edn[]>;
  return tagged.edn === "kw" ? `:${tagged.name}` : `{${tagged.pairs.map(([k, x]) => `${write(k)} ${write(x)}`).join(", ")}}`;
}

/** A value field: numbers and strings as they are, a final read's keys as a vector and its rows as a map. */
function fieldEdn(x: unknown): Edn {
  if (typeof x === "number" || typeof x === "string") return x;
  if (Array.isArray(x)) return x.map((k) => String(k));
  if (x && typeof x === "object") return map(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const));
  return String(x);
}

function valueEdn(value: OpValue | undefined): Edn {
  if (!value) return null;
  return map(Object.entries(value).filter(([, x]) => x !== undefined).map(([k, x]) => [kw(k), fieldEdn(x)] as const));
}

/** Process ids as Jepsen has them: an integer per client (in order of first appearance), :nemesis for faults. */
function processIds(ops: readonly Op[]): (p: string) => Edn {
  const ids = new Map<string, number>();
  for (const op of ops) if (op.process !== NEMESIS && !ids.has(op.process)) ids.set(op.process, ids.size);
  return (p) => (p === NEMESIS ? kw("nemesis") : (ids.get(p) ?? -1));
}

/**
 * The history in Jepsen's EDN form, one op per line: `{:index i, :type :invoke|:ok|:fail|:info, :f :kind,
 * :value {...}, :process n, :time nanos}` (plus `:error` when there is one), so Jepsen's own tools can read a run.
 */
export function historyEdn(ops: readonly Op[]): string {
  const pid = processIds(ops);
  return ops
    .map((op, index) =>
      write(
        map([
          [kw("index"), index],
          [kw("type"), kw(op.type)],
          [kw("f"), kw(op.f)],
          [kw("value"), valueEdn(op.value)],
          [kw("process"), pid(op.process)],
          [kw("time"), Math.round(op.t * 1e6)],
          ...(op.error ? ([[kw("error"), op.error]] as const) : []),
        ]),
      ),
    )
    .join("\n")
    .concat("\n");
}

/**
 * The versioned writes and reads of one register per key (product rows) as Elle's rw-register transactions:
 * `{:type .., :f :txn, :value [[:w key version]] | [[:r key version]]}`. A write's version is only known once it
 * is acknowledged, so a write that failed or timed out is left out whole (its invoke too): Elle then cannot be
 * misled by a value it never saw written; a read that did not answer is an invoke with `[[:r key nil]]`.
 */
export function elleRwRegisterEdn(ops: readonly Op[], kinds: { readonly write: string; readonly read: string } = { write: "product-write", read: "product-read" }): string {
  const pid = processIds(ops);
  const completion = new Map<number, Op>();
  for (const op of ops) if (op.type !== "invoke") completion.set(op.id, op);
  const lines: string[] = [];
  let index = 0;
  for (const op of ops) {
    if (op.f !== kinds.write && op.f !== kinds.read) continue;
    const done = completion.get(op.id);
    const key = op.value?.key ?? done?.value?.key;
    if (key === undefined) continue;
    const isWrite = op.f === kinds.write;
    if (isWrite && done?.type !== "ok") continue;
    const version = op.type === "invoke" ? (isWrite ? done?.value?.version : undefined) : op.value?.version;
    const micro: Edn = [[kw(isWrite ? "w" : "r"), key, op.type === "ok" || (isWrite && op.type === "invoke") ? (version ?? null) : null]];
    lines.push(write(map([[kw("index"), index++], [kw("type"), kw(op.type)], [kw("f"), kw("txn")], [kw("value"), micro], [kw("process"), pid(op.process)], [kw("time"), Math.round(op.t * 1e6)]])));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
