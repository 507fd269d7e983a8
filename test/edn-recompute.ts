import { parseEDNString } from "edn-data";

/**
 * An outside checker's view of a run: it reads only the exported `history.edn` (Jepsen's form) and recomputes
 * the lost-write verdicts from it, as Jepsen's set checker does: every `:ok` write of a kind whose key is missing
 * from the last `:ok` final read of it is lost. Written apart from the harness's own checkers on purpose: it shares
 * no code with them, so agreement means the export carries everything the verdict rests on.
 */
type Edn = unknown;
interface EdnOp {
  readonly type: string;
  readonly f: string;
  readonly value: Map<string, Edn> | null;
  /** ms since the history's start (EDN has nanoseconds). */
  readonly timeMs: number;
}

const keyword = (v: Edn): string => (v && typeof v === "object" && "key" in v ? (v as { key: string }).key : String(v));

function toMap(v: Edn): Map<string, Edn> | null {
  if (!v || typeof v !== "object" || !("map" in v)) return null;
  return new Map((v as { map: [Edn, Edn][] }).map.map(([k, x]) => [keyword(k), x]));
}

function parse(edn: string): EdnOp[] {
  return edn
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const m = toMap(parseEDNString(line, { keywordAs: "object" }));
      if (!m) throw new Error(`not an op: ${line}`);
      return { type: keyword(m.get("type")), f: keyword(m.get("f")), value: toMap(m.get("value")), timeMs: Number(m.get("time")) / 1e6 };
    });
}

/** `of` or `of@node`, as a lost-write check's `finalRead` figure names it. */
function finalKeys(ops: readonly EdnOp[], ref: string): Set<string> | null {
  const [of, node] = ref.split("@");
  const reads = ops.filter((o) => o.f === "final-read" && o.type !== "invoke" && String(o.value?.get("of")) === of && (node === undefined ? !o.value?.has("node") : String(o.value?.get("node")) === node));
  const last = reads.at(-1);
  if (!last || last.type !== "ok") return null;
  const keys = last.value?.get("keys");
  if (Array.isArray(keys)) return new Set(keys.map(String));
  const rows = toMap(last.value?.get("rows"));
  return rows ? new Set(rows.keys()) : null;
}

/**
 * Acknowledged writes of `f` (those acknowledged between `ackedAfterMs` and `ackedBeforeMs`, when given) missing from the final read
 * `ref` (default: the final read of `f`) and, when `consumedBy` names an op kind (a queue's consumers), from the keys
 * its `:ok` ops took; null when that final read failed.
 */
export function lostFromEdn(edn: string, f: string, ref: string = f, ackedBeforeMs: number = Infinity, ackedAfterMs: number = -Infinity, consumedBy?: string): { acknowledged: number; lost: number } | null {
  const ops = parse(edn);
  const read = finalKeys(ops, ref);
  if (!read) return null;
  const taken = consumedBy === undefined ? [] : ops.filter((o) => o.f === consumedBy && o.type === "ok" && o.value?.has("key")).map((o) => String(o.value?.get("key")));
  const present = new Set([...read, ...taken]);
  const acked = ops.filter((o) => o.f === f && o.type === "ok" && o.value?.has("key") && o.timeMs < ackedBeforeMs && o.timeMs > ackedAfterMs);
  return { acknowledged: acked.length, lost: acked.filter((o) => !present.has(String(o.value?.get("key")))).length };
}
