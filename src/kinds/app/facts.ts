import type { AppHealth } from "./sites.js";

/** A site's GET /health, or why it did not answer. */
export type SiteHealth = AppHealth | { readonly unreachable: string };

/** Steady state for one site: /health answers 200 with each of its dependencies up. */
export function siteProblems(name: string, h: SiteHealth): string[] {
  if ("unreachable" in h) return [`${name} /health did not answer: ${h.unreachable}`];
  const problems: string[] = [];
  if (h.status !== 200) problems.push(`${name} /health is ${String(h.status)}`);
  for (const [dep, d] of Object.entries(h.body?.dependencies ?? {})) {
    if (d.state !== "up") problems.push(`${name} cannot reach ${dep}: ${d.error ?? d.state}`);
  }
  return problems;
}
