import { type Bound, asBound } from "./bound.js";
import { type CheckResult, result, round } from "./check.js";

export interface RecoveryFacts {
  /** When the heal finished (ms in the history). */
  readonly healedAt: number;
  /** When verify() was first green after it, or null if it never was within the wait. */
  readonly steadyAt: number | null;
  /** What verify() still found off when it gave up. */
  readonly problems: readonly string[];
}

/** verify() green again (replication caught up, proxies and sites healthy) within the bound after the heal. */
export function recovery(facts: RecoveryFacts, limit: Bound | number): CheckResult {
  const b = asBound(limit);
  const ms = facts.steadyAt === null ? null : facts.steadyAt - facts.healedAt;
  const figures = { recoveryMs: ms === null ? null : round(ms), boundMs: b.ms };
  if (ms === null) return result("recovery", false, `not steady again: ${facts.problems.join("; ") || "no facts"}`, figures);
  return result("recovery", ms <= b.ms, `steady ${round(ms)} ms after the heal; bound ${b.derivation}`, figures);
}
