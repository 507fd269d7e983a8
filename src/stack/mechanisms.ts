import { failed } from "../nodes/read.js";
import type { CaddyView } from "../kinds/caddy/mechanism.js";
import type { HaproxyView } from "../kinds/haproxy/mechanism.js";

export type { CaddyView, HaproxyView };
export type { PostgresReadBack } from "../kinds/postgres/node.js";
export type { SentinelView } from "../kinds/redis/sentinel-node.js";
export type { CacheEntries, RedisReadBack } from "../kinds/redis/node.js";
export type { HaproxyServerView } from "../kinds/haproxy/mechanism.js";

/**
 * The protective mechanisms as the running servers have them, read back from the servers themselves (never from
 * what the harness meant to write): Sentinel's own view of its master, HAProxy's check parameters and results,
 * Postgres's replication state and settings, Caddy's loaded config, each site's environment. Positive controls
 * compare these with the spec, so a config that was not applied, or drifted, is seen before a scenario's figures
 * are believed.
 */
export interface Mechanisms {
  /** What each node run by a kind (a site, Caddy, a team's own) has in force, read back by its kind, by node name. */
  readonly nodes?: Readonly<Record<string, unknown>>;
}

/** A node whose kind reads its mechanisms back: its name, and the read. */
export interface NodeReadBack {
  readonly name: string;
  readonly read: () => Promise<unknown>;
}

/** Reads every mechanism the topology has, each independently: one that cannot be read is an error, not a throw. */
export async function readMechanisms(nodes: readonly NodeReadBack[]): Promise<Mechanisms> {
  const readBack = await Promise.all(nodes.map(async (n) => [n.name, await n.read().catch(failed)] as const));
  return readBack.length > 0 ? { nodes: Object.fromEntries(readBack) } : {};
}
