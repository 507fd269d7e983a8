/**
 * Deadline-bounded polling: asks `fn` every `intervalMs` until it returns a value (undefined means not yet; a
 * throw counts as not yet too, and its message is kept for the error), or fails naming what it waited for.
 */
export async function until<T>(what: string, withinMs: number, fn: () => Promise<T | undefined>, intervalMs = 25): Promise<T> {
  const deadline = performance.now() + withinMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (performance.now() >= deadline) throw new Error(`${what}: not within ${String(withinMs)} ms${last instanceof Error ? ` (${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
