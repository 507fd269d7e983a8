import { UserError } from "../cli/errors.js";

/** Every node a topology can run, by the name checks and faults use. */
export const NODE_ROLES = [
  "toxiproxy",
  "pg-primary",
  "pg-replica",
  "redis-1",
  "redis-2",
  "sentinel-1",
  "sentinel-2",
  "sentinel-3",
  "mysql-1",
  "mysql-2",
  "haproxy",
  "app-gra",
  "app-sbg",
  "caddy",
] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Parts of the stack a scenario can ask for; the full topology is all of them. */
export const SLICES = ["postgres", "redis", "mysql", "web"] as const;
export type Slice = (typeof SLICES)[number];

export const SLICE_ROLES: Record<Slice, readonly NodeRole[]> = {
  postgres: ["pg-primary", "pg-replica"],
  redis: ["redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3"],
  mysql: ["mysql-1", "mysql-2"],
  // The two app sites and Caddy in front; HAProxy's `web` frontend serves them too.
  web: ["app-gra", "app-sbg", "caddy"],
};

/** The app's sites, in Caddy's order of preference (`lb_policy first`: gra while it is healthy). */
export const SITES = ["gra", "sbg"] as const;
export type Site = (typeof SITES)[number];

/**
 * Every timing that decides how fast a failure is detected, in one place: written into the servers' configs,
 * and read back by checks that compare a measured failover with the configured bound.
 */
export interface DetectionTimings {
  readonly sentinel: { readonly downAfterMs: number; readonly failoverTimeoutMs: number; readonly quorum: number };
  /** How long a replica waits for its primary before it calls the link broken, and then between reconnects. */
  readonly postgres: { readonly walReceiverTimeoutMs: number; readonly walRetrieveRetryMs: number };
  /**
   * HAProxy checks: a server is down after `fall` failures `interMs` apart, up again after `rise` successes. A
   * server that is down is checked every `downInterMs`, so one that comes back is seen soon after.
   */
  readonly haproxy: {
    readonly interMs: number;
    readonly downInterMs: number;
    readonly fall: number;
    readonly rise: number;
    readonly checkTimeoutMs: number;
  };
  /**
   * Caddy: an upstream is out after one failed active check (Caddy 2.6 has no fail count) or one failed request
   * (passive, for failDurationMs); a request that finds its upstream dead is retried on the next for tryDurationMs.
   */
  readonly caddy: {
    readonly healthIntervalMs: number;
    readonly healthTimeoutMs: number;
    readonly failDurationMs: number;
    readonly tryDurationMs: number;
    readonly dialTimeoutMs: number;
  };
  /** The app's bound on every dependency call (connect and query). */
  readonly app: { readonly depTimeoutMs: number };
}

export type ReadPolicy = "strict" | "fallback";

export function readPolicyOf(app: AppSettings, site: Site): ReadPolicy {
  return typeof app.readPolicy === "string" ? app.readPolicy : app.readPolicy[site];
}

/** How the app sites run: these decide what users see under a fault, so scenarios choose them. */
export interface AppSettings {
  /** `strict`: a cache miss reads only the replica; `fallback`: then the primary. One for both sites, or one each. */
  readonly readPolicy: ReadPolicy | Readonly<Record<Site, ReadPolicy>>;
  /** Store for sessions made without naming one (clients may name memory, redis or mysql per session). */
  readonly sessionStore: "memory" | "redis" | "mysql";
  readonly cacheTtlS: number;
}

export const DEFAULT_APP: AppSettings = { readPolicy: "fallback", sessionStore: "redis", cacheTtlS: 60 };

export interface TopologySpec {
  readonly slices: readonly Slice[];
  readonly timings: DetectionTimings;
  readonly app: AppSettings;
  /** Synchronous replication: a commit on pg-primary waits until pg-replica has flushed it. */
  readonly postgres: { readonly synchronous: boolean };
}

/** Fast defaults for tests: detection near one second. */
export const DEFAULT_TIMINGS: DetectionTimings = {
  sentinel: { downAfterMs: 1000, failoverTimeoutMs: 5000, quorum: 2 },
  postgres: { walReceiverTimeoutMs: 5000, walRetrieveRetryMs: 500 },
  haproxy: { interMs: 500, downInterMs: 100, fall: 2, rise: 2, checkTimeoutMs: 400 },
  caddy: { healthIntervalMs: 500, healthTimeoutMs: 400, failDurationMs: 2000, tryDurationMs: 1000, dialTimeoutMs: 300 },
  app: { depTimeoutMs: 800 },
};

export interface SpecOptions {
  readonly slices?: readonly string[];
  readonly timings?: Partial<DetectionTimings>;
  readonly app?: Partial<AppSettings>;
  readonly postgres?: { readonly synchronous?: boolean };
}

export function resolveSpec(partial: SpecOptions = {}): TopologySpec {
  const slices = partial.slices ?? SLICES;
  const unknown = slices.filter((s) => !(SLICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UserError(`unknown topology slice ${unknown.map((u) => `'${u}'`).join(", ")}; slices are: ${SLICES.join(", ")}`);
  }
  return { slices: slices as Slice[], timings: { ...DEFAULT_TIMINGS, ...partial.timings }, app: { ...DEFAULT_APP, ...partial.app }, postgres: { synchronous: partial.postgres?.synchronous ?? false } };
}

/** HAProxy fronts the databases and the sites: it runs whenever any slice but redis alone does. */
export function hasHaproxy(spec: TopologySpec): boolean {
  return spec.slices.some((s) => s !== "redis");
}

export function rolesOf(spec: TopologySpec): NodeRole[] {
  return ["toxiproxy", ...spec.slices.flatMap((s) => SLICE_ROLES[s]), ...(hasHaproxy(spec) ? (["haproxy"] as const) : [])];
}

export function assertRole(spec: TopologySpec, name: string): NodeRole {
  const roles = rolesOf(spec);
  if (!(roles as string[]).includes(name)) {
    const known = (NODE_ROLES as readonly string[]).includes(name);
    throw new UserError(
      known
        ? `role '${name}' is not in this topology (slices: ${spec.slices.join(", ")}); its roles are: ${roles.join(", ")}`
        : `unknown role '${name}'; roles are: ${NODE_ROLES.join(", ")}`,
    );
  }
  return name as NodeRole;
}
