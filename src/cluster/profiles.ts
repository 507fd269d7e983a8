import { UserError } from "../errors.js";
import { EXIT_USAGE } from "../errors.js";
import type { SpecOptions } from "./topology.js";

/**
 * A timing profile: the detection timings (and the config templates that carry them) a run uses. `fast` is the
 * default for `npm test`: detection near one second, so the suite runs in minutes. `production` is how the seed
 * stacks are really configured, so a team learns its real failover times: each scenario's phases and bounds
 * derive from these timings, so a fault is held longer than its detection.
 */
export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly options: SpecOptions;
}

export const PROFILES = {
  fast: { name: "fast", description: "detection near one second (the harness's own templates); the default", options: { profile: "fast" } },
  production: {
    name: "production",
    description: "the seed stacks' own settings: Caddy's GRA/SBG block, HAProxy's default check timings, Redis's Sentinel defaults, wal_receiver_timeout 60 s, a 5 s dependency timeout",
    options: {
      profile: "production",
      // Seed 003's Caddy block, directive for directive (fixtures/caddy/Caddyfile.seed-003): no lb_try_duration
      // (Caddy retries nothing) and no dial_timeout (Caddy's default, 3 s).
      caddyfile: "Caddyfile.seed-003",
      timings: {
        caddy: { healthIntervalMs: 10_000, healthTimeoutMs: 5000, failDurationMs: 30_000, maxFails: 3, tryDurationMs: 0, tryIntervalMs: 0, dialTimeoutMs: 3000 },
        // The seed stacks write a plain `check`: HAProxy's defaults, inter 2s fall 3 rise 2, and a down server
        // checked at `inter` too; with no `timeout check`, a check may take up to inter.
        haproxy: { interMs: 2000, downInterMs: 2000, fall: 3, rise: 2, checkTimeoutMs: 2000 },
        // Redis's own defaults (sentinel.c): SENTINEL_DEFAULT_DOWN_AFTER 30000, failover-timeout 3 minutes.
        sentinel: { downAfterMs: 30_000, failoverTimeoutMs: 180_000 },
        // PostgreSQL's defaults.
        postgres: { walReceiverTimeoutMs: 60_000, walRetrieveRetryMs: 5000 },
        // The app's own settings (no seed names them): /health bounded well inside HAProxy's 2 s check.
        app: { depTimeoutMs: 5000, healthTimeoutMs: 1000 },
      },
    },
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function profileByName(name: string): Profile {
  const p = (PROFILES as Record<string, Profile>)[name];
  if (!p) throw new UserError(`unknown profile '${name}'; profiles are: ${PROFILE_NAMES.join(", ")}`, { exitCode: EXIT_USAGE });
  return p;
}
