import type { Completed } from "../workload/op.js";

/** How many values of a sorted array are strictly below `v`. */
function countBelow(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index below `end` in a non-decreasing array whose value is above `v` (or `end`). */
function firstAbove(sorted: readonly number[], v: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** What a read started at some time could know of a group's acknowledged writes. */
export interface WritesBefore {
  /** The highest version written by the writes that ended before the read started. */
  readonly maxVersion: number;
  /** When the first of those writes with a version above `version` ended (if any is). */
  firstAbove(version: number): number | undefined;
}

/**
 * Acknowledged versioned writes, grouped (by key, or by client and key), each group sorted by end with a running
 * maximum of versions: what the writes that ended before a read were is a binary search, so a check over a
 * history is n·log n (the stale-read and read-your-writes checks share it).
 */
export class VersionIndex {
  readonly #groups = new Map<string, { ends: number[]; maxVersion: number[] }>();

  constructor(writes: readonly Completed[], groupOf: (write: Completed) => string) {
    for (const w of [...writes].sort((a, b) => a.end - b.end)) {
      const id = groupOf(w);
      const g = this.#groups.get(id) ?? { ends: [], maxVersion: [] };
      g.maxVersion.push(Math.max(g.maxVersion.at(-1) ?? -Infinity, w.value?.version ?? 0));
      g.ends.push(w.end);
      this.#groups.set(id, g);
    }
  }

  /** The group's writes that ended before `t`, or undefined when none did. */
  before(group: string, t: number): WritesBefore | undefined {
    const g = this.#groups.get(group);
    const count = g ? countBelow(g.ends, t) : 0;
    if (!g || count === 0) return undefined;
    return {
      maxVersion: g.maxVersion[count - 1] ?? 0,
      // Where the running maximum first passes `version`: the first write newer than it.
      firstAbove: (version) => {
        const i = firstAbove(g.maxVersion, version, count);
        return i < count ? g.ends[i] : undefined;
      },
    };
  }
}
