import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bound, type Bound, measurement, type TopologySpec } from "brownout";

/** The folder of this example: its configs, and the mutants' alternatives to them. */
export const EXAMPLE = fileURLToPath(new URL("..", import.meta.url));

/** An HAProxy's timings, read from its configuration file. */
export interface HaproxyTimings {
  readonly interMs: number;
  readonly fall: number;
  readonly rise: number;
  readonly checkTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly retries: number;
}

/**
 * The design's configuration of each HAProxy (the files docker-compose.yml mounts): a bound is the claim the
 * design makes, so a mutant that mounts another file is held to the same bound.
 */
const CONFIGS: Readonly<Record<string, string>> = { "haproxy-web": "haproxy-web/haproxy.cfg.tmpl", "haproxy-db": "haproxy-db/haproxy.cfg" };

function designConfig(node: string): string {
  const file = CONFIGS[node];
  if (!file) throw new Error(`no HAProxy configuration for ${node}; HAProxy nodes are: ${Object.keys(CONFIGS).join(", ")}`);
  return readFileSync(join(EXAMPLE, file), "utf8");
}

const ms = (cfg: string, re: RegExp, fallback?: number): number => {
  const m = re.exec(cfg);
  if (m?.[1]) return Number(m[1]);
  if (fallback !== undefined) return fallback;
  throw new Error(`the configuration has no ${re.source}`);
};

export function haproxyTimings(node: string): HaproxyTimings {
  const cfg = designConfig(node);
  return {
    interMs: ms(cfg, /\binter (\d+)ms/),
    fall: ms(cfg, /\bfall (\d+)/),
    rise: ms(cfg, /\brise (\d+)/),
    checkTimeoutMs: ms(cfg, /timeout check (\d+)ms/),
    connectTimeoutMs: ms(cfg, /timeout connect (\d+)ms/),
    // HAProxy's default.
    retries: ms(cfg, /^\s*retries (\d+)/m, 3),
  };
}

/** HAProxy takes a dead server out: `fall` failed checks `inter` apart, the last one given up after `timeout check`. */
export function detection(spec: TopologySpec, node: string): Bound {
  const h = haproxyTimings(node);
  return bound(["inter", h.interMs, "fall", h.fall], ["timeout check", h.checkTimeoutMs], ...measurement(spec));
}

/**
 * Until clients are served by another server: detection, and a connection opened just before it, which waits
 * `timeout connect` on each of its tries.
 */
export function failoverBound(spec: TopologySpec, node: string): Bound {
  const h = haproxyTimings(node);
  return bound(["inter", h.interMs, "fall", h.fall], ["timeout check", h.checkTimeoutMs], ["timeout connect", h.connectTimeoutMs, "tries", h.retries + 1], ...measurement(spec));
}

/** HAProxy sees a server back: `rise` good checks `inter` apart. */
export function seesUp(spec: TopologySpec, node: string): Bound {
  const h = haproxyTimings(node);
  return bound(["inter", h.interMs, "rise", h.rise], ["timeout check", h.checkTimeoutMs], ...measurement(spec));
}
