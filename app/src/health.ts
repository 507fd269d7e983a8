import type { DependencyName } from "./deps/dependency.js";

export type DependencyState = "up" | "down";

export interface HealthReport {
  readonly status: "ok" | "degraded" | "down";
  readonly dependencies: Partial<Record<DependencyName, { state: DependencyState; ms: number; error?: string }>>;
}

export type Probe = () => Promise<void>;

/**
 * Probes every dependency at once (each bounded by its own timeout, so this never hangs). The site serves
 * (`ok`, or `degraded` with some dependency down) unless every dependency is down or it is draining: then
 * `down`, and /health answers 503 so Caddy and HAProxy send users to the other site.
 */
export async function checkHealth(probes: Partial<Record<DependencyName, Probe>>, draining: boolean, requireAll = false): Promise<HealthReport> {
  const entries = Object.entries(probes) as [DependencyName, Probe][];
  const results = await Promise.all(
    entries.map(async ([name, probe]) => {
      const start = performance.now();
      try {
        await probe();
        return [name, { state: "up" as const, ms: Math.round(performance.now() - start) }] as const;
      } catch (e) {
        return [name, { state: "down" as const, ms: Math.round(performance.now() - start), error: e instanceof Error ? e.message : String(e) }] as const;
      }
    }),
  );
  const down = results.filter(([, r]) => r.state === "down").length;
  // requireAll is the test-only `health-requires-all-deps` regression: an optional dependency takes the site out.
  const status = draining || (entries.length > 0 && down === entries.length) || (requireAll && down > 0) ? "down" : down > 0 ? "degraded" : "ok";
  return { status, dependencies: Object.fromEntries(results) as HealthReport["dependencies"] };
}
