import { type CheckResult, result } from "./check.js";

/** One node's rows of a table, each as its key and a canonical text of the whole row (null: could not read). */
export type RowsByKey = ReadonlyMap<string, string> | null;

export interface RowDiff {
  /** Keys only the first side has. */
  readonly onlyA: readonly string[];
  /** Keys only the second side has. */
  readonly onlyB: readonly string[];
  /** Keys both have, with different rows. */
  readonly differing: readonly string[];
}

/** Row by row, by key: linear in the rows of both sides. */
export function diffRows(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): RowDiff {
  const onlyA: string[] = [];
  const differing: string[] = [];
  for (const [k, row] of a) {
    const other = b.get(k);
    if (other === undefined) onlyA.push(k);
    else if (other !== row) differing.push(k);
  }
  const onlyB = [...b.keys()].filter((k) => !a.has(k));
  return { onlyA, onlyB, differing };
}

export interface DivergenceOptions {
  /** What the rows are (`items`, `products with prefix x`), for the report. */
  readonly what: string;
  /** The two sides, by name, and their rows. */
  readonly a: { readonly name: string; readonly rows: RowsByKey };
  readonly b: { readonly name: string; readonly rows: RowsByKey };
  /**
   * `none`: the nodes must hold the same rows (replication's promise). `some`: the scenario documents that they
   * diverge (a weakness observed and counted): it passes when they do.
   */
  readonly expect: "none" | "some";
  /**
   * With `some`: the keys the mechanism lets diverge (those written while the nodes could not agree, unknown
   * writes included), with what they are. A row diverging outside them makes the weakness worse than documented:
   * false, whatever the count.
   */
  readonly mayDiverge?: { readonly keys: ReadonlySet<string>; readonly what: string };
}

/**
 * The divergence checker: compares two nodes' copies of a table row by row, by key, and reports the rows that
 * differ or exist on one side only (the first few keys named, all counted as figures).
 */
export function divergence(o: DivergenceOptions): CheckResult {
  const name = o.expect === "none" ? `no divergence in ${o.what} between ${o.a.name} and ${o.b.name}` : `${o.what} diverged between ${o.a.name} and ${o.b.name}`;
  if (!o.a.rows || !o.b.rows) return result(name, "unknown", `could not read ${!o.a.rows ? o.a.name : o.b.name}`, { divergentRows: null });
  const d = diffRows(o.a.rows, o.b.rows);
  const divergentRows = d.onlyA.length + d.onlyB.length + d.differing.length;
  const few = (keys: readonly string[]) => (keys.length ? ` (${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", ..." : ""})` : "");
  const allowed = o.mayDiverge;
  const outside = allowed ? [...d.onlyA, ...d.onlyB, ...d.differing].filter((k) => !allowed.keys.has(k)) : [];
  const detail =
    `${String(o.a.rows.size)} rows on ${o.a.name}, ${String(o.b.rows.size)} on ${o.b.name}: ` +
    `${String(d.onlyA.length)} only on ${o.a.name}${few(d.onlyA)}, ${String(d.onlyB.length)} only on ${o.b.name}${few(d.onlyB)}, ${String(d.differing.length)} differ${few(d.differing)}` +
    (allowed ? `; ${String(outside.length)} of them outside the ${String(allowed.keys.size)} ${allowed.what}${few(outside)}` : "");
  return result(name, o.expect === "none" ? divergentRows === 0 : divergentRows > 0 && outside.length === 0, detail, {
    divergentRows,
    [`onlyOn${o.a.name}`]: d.onlyA.length,
    [`onlyOn${o.b.name}`]: d.onlyB.length,
    differingRows: d.differing.length,
    ...(allowed ? { divergentOutsideWindow: outside.length, mayDiverge: allowed.keys.size } : {}),
  });
}

/**
 * The keys written (invoked) while a span lasted, by ops of these kinds, whatever their outcome (an unknown write
 * may have applied): what a documented divergence may touch.
 */
export function keysWrittenIn(ops: readonly { readonly f: string; readonly start: number; readonly end: number; readonly value?: { readonly key?: string } }[], kinds: readonly string[], span: { readonly from: number; readonly to: number }): Set<string> {
  return new Set(ops.filter((o) => kinds.includes(o.f) && o.start < span.to && o.end > span.from && o.value?.key !== undefined).map((o) => o.value?.key ?? ""));
}
