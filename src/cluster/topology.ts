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
] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Parts of the stack a scenario can ask for; the full topology is all of them. */
export const SLICES = ["postgres", "redis", "mysql"] as const;
export type Slice = (typeof SLICES)[number];

export const SLICE_ROLES: Record<Slice, readonly NodeRole[]> = {
  postgres: ["pg-primary", "pg-replica"],
  redis: ["redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3"],
  mysql: ["mysql-1", "mysql-2"],
};

/**
 * Every timing that decides how fast a failure is detected, in one place: written into the servers' configs,
 * and read back by checks that compare a measured failover with the configured bound.
 */
export interface DetectionTimings {
  readonly sentinel: { readonly downAfterMs: number; readonly failoverTimeoutMs: number; readonly quorum: number };
  /** How long a replica waits for its primary before it calls the link broken. */
  readonly postgres: { readonly walReceiverTimeoutMs: number };
  /** HAProxy checks: a server is down after `fall` failures `interMs` apart, up again after `rise` successes. */
  readonly haproxy: { readonly interMs: number; readonly fall: number; readonly rise: number; readonly checkTimeoutMs: number };
}

export interface TopologySpec {
  readonly slices: readonly Slice[];
  readonly timings: DetectionTimings;
}

/** Fast defaults for tests: detection near one second. */
export const DEFAULT_TIMINGS: DetectionTimings = {
  sentinel: { downAfterMs: 1000, failoverTimeoutMs: 5000, quorum: 2 },
  postgres: { walReceiverTimeoutMs: 5000 },
  haproxy: { interMs: 500, fall: 2, rise: 2, checkTimeoutMs: 400 },
};

export function resolveSpec(partial: { slices?: readonly string[]; timings?: Partial<DetectionTimings> } = {}): TopologySpec {
  const slices = partial.slices ?? SLICES;
  const unknown = slices.filter((s) => !(SLICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UserError(`unknown topology slice ${unknown.map((u) => `'${u}'`).join(", ")}; slices are: ${SLICES.join(", ")}`);
  }
  return { slices: slices as Slice[], timings: { ...DEFAULT_TIMINGS, ...partial.timings } };
}

/** HAProxy fronts the databases: it runs whenever a postgres or mysql slice does. */
export function hasHaproxy(spec: TopologySpec): boolean {
  return spec.slices.includes("postgres") || spec.slices.includes("mysql");
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
