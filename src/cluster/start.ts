import { type AppSites, startAppSites } from "./app-sites.js";
import { startCaddy } from "./caddy.js";
import { type HaproxyNode, startHaproxy } from "./haproxy.js";
import { type MysqlPair, startMysqlPair } from "./mysql-pair.js";
import { startRunNetwork } from "./network.js";
import { type PostgresPair, startPostgresPair } from "./postgres-pair.js";
import { type RedisSentinel, startRedisSentinel } from "./redis-sentinel.js";
import { type StartTimes, StartedTopology, type TopologyParts, type Writable } from "./started-topology.js";
import { type Slice, type SpecOptions, type TopologySpec, hasHaproxy, resolveSpec } from "./topology.js";
import { type ToxiproxyNode, linksOf, startToxiproxy } from "./toxiproxy.js";

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/**
 * Starts a topology: the run network, Toxiproxy with the links the slices need, then the database slices (each
 * starts its primaries before its replicas), HAProxy, the app sites and Caddy all at once: HAProxy resolves its
 * servers through Docker's DNS and starts with them unresolved, the sites reach their dependencies when these
 * serve, and Caddy's active checks find the sites as they come up. If any part fails, everything started so far
 * is removed before the error is thrown.
 */
export async function startTopology(options: SpecOptions = {}): Promise<StartedTopology> {
  const spec: TopologySpec = resolveSpec(options);
  const network = await startRunNetwork();
  const startMs: StartTimes = {};
  const links = linksOf(spec);
  let toxiproxy: ToxiproxyNode;
  try {
    const t = await timed(() => startToxiproxy(network, links));
    toxiproxy = t.value;
    startMs.toxiproxy = t.ms;
  } catch (error) {
    await network.stop();
    throw error;
  }

  const parts: Writable<TopologyParts> = { spec, network, toxiproxy, startMs };
  const slice = async <T>(name: Slice, start: () => Promise<T>, keep: (value: T) => void) => {
    if (!spec.slices.includes(name)) return;
    const t = await timed(start);
    keep(t.value);
    startMs[name] = t.ms;
  };
  const haproxy = hasHaproxy(spec)
    ? timed<HaproxyNode>(() => startHaproxy(network, spec)).then((t) => {
        parts.haproxy = t.value;
        startMs.haproxy = t.ms;
      })
    : Promise.resolve();
  const dependencies = [
    slice<PostgresPair>("postgres", () => startPostgresPair(network, toxiproxy, spec.timings, spec.postgres.synchronous), (v) => (parts.postgres = v)),
    slice<RedisSentinel>("redis", () => startRedisSentinel(network, spec.timings), (v) => (parts.redis = v)),
    slice<MysqlPair>("mysql", () => startMysqlPair(network), (v) => (parts.mysql = v)),
    haproxy,
  ];
  // The sites start beside the databases, not after them: the app retries its dependencies (Sentinel, pools)
  // and answers /health 200 as soon as one of them serves, as a deployment must when it boots before its
  // database; verify() then waits for all of them. Caddy needs nothing but the network.
  const web = async () => {
    if (!spec.slices.includes("web")) return;
    await Promise.all([
      timed(() => startCaddy(network, spec)).then((t) => {
        parts.caddy = t.value;
        startMs.caddy = t.ms;
      }),
      slice<AppSites>("web", () => startAppSites(network, spec), (v) => (parts.apps = v)),
    ]);
  };
  const results = await Promise.allSettled([...dependencies, web()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as unknown;
  const topology = new StartedTopology(parts);
  if (failure !== undefined) {
    // The start's own error is the one to report; a failed clean-up is only added to it.
    const cleanup = await topology[Symbol.asyncDispose]().then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    const error = failure instanceof Error ? failure : new Error("topology start failed", { cause: failure });
    if (cleanup) error.message += ` (and removing what had started failed: ${cleanup.message})`;
    throw error;
  }
  return topology;
}
