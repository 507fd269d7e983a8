import { startRunNetwork } from "./network.js";
import { type PostgresPair, startPostgresPair } from "./postgres-pair.js";
import { type RedisSentinel, startRedisSentinel } from "./redis-sentinel.js";
import { StartedTopology } from "./started-topology.js";
import { type DetectionTimings, type Slice, type TopologySpec, resolveSpec } from "./topology.js";
import { type LinkName, startToxiproxy } from "./toxiproxy.js";

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/**
 * Starts a topology: the run network, Toxiproxy with the links the slices need, then the slices in parallel
 * (each starts its own primaries before its replicas). On any failure everything started so far is removed.
 */
export async function startTopology(options: { slices?: readonly string[]; timings?: Partial<DetectionTimings> } = {}): Promise<StartedTopology> {
  const spec: TopologySpec = resolveSpec(options);
  const network = await startRunNetwork();
  const startMs: Partial<Record<"toxiproxy" | Slice, number>> = {};
  const links: LinkName[] = spec.slices.includes("postgres") ? ["pg-replication"] : [];
  let toxiproxy;
  try {
    const t = await timed(() => startToxiproxy(network, links));
    toxiproxy = t.value;
    startMs.toxiproxy = t.ms;
  } catch (error) {
    await network.stop();
    throw error;
  }
  const [pgResult, redisResult] = await Promise.allSettled([
    spec.slices.includes("postgres") ? timed(() => startPostgresPair(network, toxiproxy, spec.timings)) : undefined,
    spec.slices.includes("redis") ? timed(() => startRedisSentinel(network, spec.timings)) : undefined,
  ]);
  const postgres: PostgresPair | undefined = pgResult.status === "fulfilled" ? pgResult.value?.value : undefined;
  const redis: RedisSentinel | undefined = redisResult.status === "fulfilled" ? redisResult.value?.value : undefined;
  const topology = new StartedTopology({
    spec,
    network,
    toxiproxy,
    ...(postgres ? { postgres } : {}),
    ...(redis ? { redis } : {}),
    startMs,
  });
  const failed = [pgResult, redisResult].find((r) => r.status === "rejected");
  if (failed) {
    await topology[Symbol.asyncDispose]();
    throw failed.reason;
  }
  if (pgResult.status === "fulfilled" && pgResult.value) startMs.postgres = pgResult.value.ms;
  if (redisResult.status === "fulfilled" && redisResult.value) startMs.redis = redisResult.value.ms;
  return topology;
}
