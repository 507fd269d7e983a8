import type { CheckResult, Validity } from "./check.js";

/** Jepsen's rule: one false makes the whole false; else one unknown makes it unknown; else true. */
export function compose(results: readonly CheckResult[]): { valid: Validity; reasons: string[] } {
  const falses = results.filter((r) => r.valid === false);
  const unknowns = results.filter((r) => r.valid === "unknown");
  if (falses.length > 0) return { valid: false, reasons: falses.map((r) => `${r.name}: ${r.detail}`) };
  if (unknowns.length > 0) return { valid: "unknown", reasons: unknowns.map((r) => `${r.name}: ${r.detail}`) };
  return { valid: true, reasons: results.map((r) => `${r.name}: ${r.detail}`) };
}
