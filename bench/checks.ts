import { failover, noFailures, unavailability } from "../src/assertions/availability.js";
import { lostWrites } from "../src/assertions/lost-writes.js";
import { divergence } from "../src/assertions/divergence.js";
import { readYourWrites } from "../src/assertions/read-your-writes.js";
import { sessions } from "../src/assertions/sessions.js";
import { staleReads } from "../src/assertions/stale-reads.js";
import type { Completed, OpType } from "../src/workload/op.js";
import { type Metric, summarize } from "./stats.js";

/**
 * A synthetic history of `n` completed ops shaped like a real run's (seeded): versioned product writes and
 * reads over a few hundred keys, clients writing and reading their own items, session reads, inserts, with a
 * fault window in the middle where a fifth of the ops fail or time out.
 */
export function syntheticHistory(n: number, seed = 1): { ops: Completed[]; present: Set<string> } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ops: Completed[] = [];
  const present = new Set<string>();
  const versions = new Map<string, number>();
  const span = n; // 1 op per ms on average
  for (let i = 0; i < n; i++) {
    const t = (i * span) / n;
    const inFault = t > span * 0.4 && t < span * 0.5;
    const type: Exclude<OpType, "invoke"> = inFault && rand() < 0.2 ? (rand() < 0.5 ? "fail" : "info") : "ok";
    const end = t + 1 + rand() * 20;
    const pick = rand();
    const key = `p${String(Math.floor(rand() * 300))}`;
    if (pick < 0.25) {
      const v = (versions.get(key) ?? 0) + 1;
      if (type === "ok") versions.set(key, v);
      ops.push({ id: i, process: `w${String(i % 8)}/product-write`, f: "product-write", type, start: t, end, value: { key, version: v } });
    } else if (pick < 0.55) {
      const lag = rand() < 0.05 ? 1 : 0;
      ops.push({ id: i, process: `r${String(i % 8)}/product-read`, f: "product-read", type, start: t, end, value: { key, version: Math.max(0, (versions.get(key) ?? 0) - lag), source: "replica" } });
    } else if (pick < 0.7) {
      const item = `i${String(i)}`;
      if (type === "ok" && rand() > 0.0001) present.add(item);
      ops.push({ id: i, process: `c${String(i % 16)}/item-write`, f: "item-write", type, start: t, end, value: { key: item, version: 1 } });
    } else if (pick < 0.85) {
      ops.push({ id: i, process: `c${String(i % 16)}/item-read`, f: "item-read", type, start: t, end, value: { key: `i${String(Math.max(0, i - 16))}`, version: 1 } });
    } else {
      ops.push({ id: i, process: `s${String(i % 32)}/session-read`, f: "session-read", type, start: t, end, value: { store: "redis", status: type === "ok" ? 200 : 503 } });
    }
  }
  return { ops, present };
}

/** Every checker over one history, as a scenario's checks would run them. */
export function runEveryChecker(ops: readonly Completed[], present: ReadonlySet<string>, n: number): void {
  const faultAt = n * 0.4;
  staleReads(ops, { bound: 1000 });
  readYourWrites(ops, { write: "item-write", read: "item-read" });
  lostWrites(ops, { f: "item-write", present });
  sessions(ops, { from: 0, settledAt: n * 0.6 });
  for (const f of ["product-write", "product-read", "item-write", "item-read", "session-read"]) {
    noFailures(ops, f, undefined, "");
    unavailability(ops, f);
  }
  failover(ops, { f: "product-read", faultAt, bound: n, resolutionMs: 1 });
  // Two nodes' copies of the written rows, one in a hundred changed: the divergence checker row by row.
  const rows = new Map<string, string>();
  const other = new Map<string, string>();
  let i = 0;
  for (const k of present) {
    rows.set(k, "v");
    other.set(k, i++ % 100 === 0 ? "w" : "v");
  }
  divergence({ what: "items", a: { name: "a", rows }, b: { name: "b", rows: other }, expect: "none" });
}

/** `npm run bench -- checks`: the checkers over 10k, 100k and 1M ops, each size timed `runs` times. */
export function benchChecks(note: (name: string, m: Metric) => void, runs: number): void {
  const sizes = [
    ["10k", 10_000],
    ["100k", 100_000],
    ["1M", 1_000_000],
  ] as const;
  const medians: number[] = [];
  for (const [label, n] of sizes) {
    const { ops, present } = syntheticHistory(n);
    const samples: number[] = [];
    for (let r = 0; r < (n >= 1_000_000 ? Math.min(runs, 3) : runs); r++) {
      const t0 = performance.now();
      runEveryChecker(ops, present, n);
      samples.push(performance.now() - t0);
    }
    const m = summarize(samples, "ms");
    medians.push(m.median);
    note(`checks.total${label}OpsMs`, m);
  }
  // Growth: n·log n from 10k to 1M is 100 × log(1M)/log(10k) = 150×; report the measured factor beside it.
  const [a, , c] = medians;
  if (a !== undefined && c !== undefined) {
    const growth = c / a;
    process.stderr.write(`[bench] checks: 10k → 1M ops took ${growth.toFixed(1)}× as long (n·log n allows 150×, n² would be 10000×)\n`);
  }
}
