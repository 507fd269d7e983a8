import type { Completed } from "../workload/op.js";
import { type Bound, asBound } from "./bound.js";
import { type CheckResult, type Span, result, round, within } from "./check.js";
import { VersionIndex } from "./version-index.js";

export interface StaleRead {
  /** The read's op id in the history. */
  readonly id: number;
  readonly key: string;
  readonly at: number;
  readonly readVersion: number;
  readonly latestVersion: number;
  /** How long the newer version had been acknowledged when the read started. */
  readonly stalenessMs: number;
  readonly source?: string;
}

/** The op kinds a stale-read check judges: versioned writes and the reads that must not go back on them. */
export interface StaleKinds {
  /** Default "product-write". */
  readonly write?: string;
  /** Default "product-read". */
  readonly read?: string;
}

/**
 * Reads that returned an older version than one already acknowledged before the read was invoked (only
 * acknowledged writes count: an unknown write proves nothing). n·log n, through a VersionIndex by key.
 */
export function findStaleReads(ops: readonly Completed[], span?: Span, filter: (read: Completed) => boolean = () => true, kinds: StaleKinds = {}): StaleRead[] {
  const writeF = kinds.write ?? "product-write";
  const readF = kinds.read ?? "product-read";
  const acked = ops.filter((o) => o.f === writeF && o.type === "ok" && o.value?.key !== undefined && o.value.version !== undefined);
  const index = new VersionIndex(acked, (w) => w.value?.key ?? "");
  const stale: StaleRead[] = [];
  for (const r of ops) {
    if (r.f !== readF || r.type !== "ok" || !within(r.start, span) || !filter(r)) continue;
    const key = r.value?.key;
    const version = r.value?.version;
    if (key === undefined || version === undefined) continue;
    const before = index.before(key, r.start);
    if (!before || before.maxVersion <= version) continue;
    const latest = before.maxVersion;
    // The first acknowledged write newer than what was read.
    const firstNewerAck = before.firstAbove(version) ?? r.start;
    stale.push({ id: r.id, key, at: r.start, readVersion: version, latestVersion: latest, stalenessMs: r.start - firstNewerAck, ...(r.value?.source ? { source: r.value.source } : {}) });
  }
  return stale;
}

export interface StaleReadOptions {
  /** Max staleness allowed, with its derivation (or ms; Infinity to only count). */
  readonly bound: Bound | number;
  /** Where stale reads must not happen at all (after heal and catch-up)... */
  readonly noneIn?: Span;
  /** ...beyond this staleness: the ordinary lag of asynchronous replication (ms). Default 0. */
  readonly toleranceMs?: number;
  readonly span?: Span;
  /** Only reads from these sources count (say, not the cache, whose staleness is a TTL matter). */
  readonly sources?: readonly string[];
  /** The op kinds judged (default product-write and product-read). */
  readonly kinds?: StaleKinds;
}

export function staleReads(ops: readonly Completed[], o: StaleReadOptions): CheckResult {
  const filter = (r: Completed) => !o.sources || o.sources.includes(r.value?.source ?? "");
  const stale = findStaleReads(ops, o.span, filter, o.kinds);
  const readF = o.kinds?.read ?? "product-read";
  const reads = ops.filter((r) => r.f === readF && r.type === "ok" && within(r.start, o.span) && filter(r)).length;
  const max = stale.reduce((m, s) => Math.max(m, s.stalenessMs), 0);
  const maxVersions = stale.reduce((m, s) => Math.max(m, s.latestVersion - s.readVersion), 0);
  const late = o.noneIn ? stale.filter((s) => within(s.at, o.noneIn) && s.stalenessMs > (o.toleranceMs ?? 0)) : [];
  const b = asBound(o.bound);
  const figures = { count: stale.length, maxStalenessMs: round(max), maxStalenessVersions: maxVersions, reads, boundMs: Number.isFinite(b.ms) ? b.ms : null };
  if (reads === 0) return result("stale reads", "unknown", "no successful reads to judge", figures);
  const problems: string[] = [];
  if (max > b.ms) problems.push(`max staleness ${round(max)} ms is over the bound ${b.derivation}`);
  if (late.length > 0) problems.push(`${String(late.length)} stale read(s) where none may be, first at ${round(late[0]?.at ?? 0)} ms (${late[0]?.key ?? ""} v${String(late[0]?.readVersion)} < v${String(late[0]?.latestVersion)})`);
  const detail = `${String(stale.length)} of ${String(reads)} reads stale, max ${round(max)} ms / ${String(maxVersions)} version(s) behind`;
  // The reads past the bound or where none may be are convicted (the others are within what the check allows).
  const convicted = stale.filter((s) => s.stalenessMs > b.ms || late.includes(s)).map((s) => s.id);
  return { ...result("stale reads", problems.length === 0, problems.length ? `${problems.join("; ")}; ${detail}` : `${detail}; bound ${b.derivation}`, figures), ...(convicted.length ? { convicted: { stale: convicted } } : {}) };
}
