/** One metric in reports/bench.json (schema in ../shared/DESIGN.md). */
export interface Metric {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly unit: "ms" | "req/s" | "ratio";
  readonly runs: number;
}

/** Three decimals: finer than any timer here resolves, coarse enough to read. */
const round = (n: number) => Math.round(n * 1000) / 1000;

export function summarize(samples: readonly number[], unit: Metric["unit"]): Metric {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median: round(median), min: round(sorted[0] as number), max: round(sorted.at(-1) as number), unit, runs: samples.length };
}

/** A ratio of two medians measured in the same run; min/max pair the extremes the same way. */
export function ratio(numerator: Metric, denominator: Metric): Metric {
  return {
    median: round(numerator.median / denominator.median),
    min: round(numerator.min / denominator.max),
    max: round(numerator.max / denominator.min),
    unit: "ratio",
    runs: Math.min(numerator.runs, denominator.runs),
  };
}
