/**
 * A bound with its derivation: every limit a check applies is a sum of configured timings and named margins,
 * and the report shows the sum (`bound 1850 ms = inter 500 × fall 2 + timeout 400 + dep timeout 800 + interval 50`)
 * so a reader can tell which setting a failure is about.
 */
export interface Bound {
  readonly ms: number;
  /** `1850 ms = inter 500 × fall 2 + ...`: how the number was made. */
  readonly derivation: string;
  /** The terms it sums, so a larger bound can be built on it (absent for a given number). */
  readonly terms?: readonly Term[];
}

/** One term: a timing (`["dep timeout", 800]`) or a timing times a count (`["inter", 500, "fall", 2]`). */
export type Term = readonly [label: string, ms: number] | readonly [label: string, ms: number, countLabel: string, count: number];

const termMs = (t: Term): number => (t.length === 4 ? t[1] * t[3] : t[1]);
const termText = (t: Term): string => (t.length === 4 ? `${t[0]} ${String(t[1])} × ${t[2]} ${String(t[3])}` : `${t[0]} ${String(t[1])}`);

export function bound(...terms: readonly Term[]): Bound {
  const ms = Math.round(terms.reduce((sum, t) => sum + termMs(t), 0));
  return { ms, derivation: `${String(ms)} ms = ${terms.map(termText).join(" + ")}`, terms };
}

/**
 * Mechanisms that run side by side, as one term: the slowest of them (`the slower of HAProxy sees it up 1950 ms,
 * MASTER_CONNECT_RETRY 1000 ms`). A sum would count parallel waits twice.
 */
export function slowest(parts: Readonly<Record<string, Bound>>): Term {
  const entries = Object.entries(parts);
  if (entries.length === 0) throw new Error("slowest() needs at least one bound");
  const ms = Math.max(...entries.map(([, b]) => b.ms));
  return [`the slowest of ${entries.map(([name, b]) => `${name} (${String(b.ms)} ms)`).join(", ")}`, ms];
}

/** A bound given as a plain number (tests, or a user's own SLO): its derivation says so. */
export function asBound(b: Bound | number): Bound {
  return typeof b === "number" ? { ms: b, derivation: `${String(b)} ms (given)` } : b;
}
