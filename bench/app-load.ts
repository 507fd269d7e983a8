import { Pool } from "undici";

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * A closed-loop load run, bounded in count and in time: `concurrency` workers send GETs until `requests` are done
 * or `maxMs` has passed. Keep-alive connections from one undici pool.
 */
export async function loadRun(origin: string, path: string, opts: { requests: number; concurrency: number; maxMs: number }): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.maxMs;
  const worker = async () => {
    while (sent < opts.requests && performance.now() < deadline) {
      sent++;
      const start = performance.now();
      try {
        const res = await pool.request({ path, method: "GET" });
        await res.body.dump();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = performance.now() - t0;
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { requests: sorted.length, errors, rps: (sorted.length / elapsed) * 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}
