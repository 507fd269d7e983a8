import { removeRunNetwork, startRunNetwork } from "../cluster/network.js";
import { type PostgresPair, startPostgresPair } from "../kinds/postgres/pair.js";
import { type StartTimes, StartedTopology, type TopologyParts, type Writable } from "./started-topology.js";
import { type Slice, type SpecOptions, type TopologySpec, resolveSpec, rolesOf } from "../cluster/topology.js";
import { type DeclaredNode, checkedNodes, startDeclaredNodes } from "../nodes/start.js";

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/**
 * Starts a topology: the run network, then everything at once: the database slices, and every node run by a kind
 * (Toxiproxy with the links the slices need, HAProxy, the web slice's sites and Caddy, the stack's own). Nothing waits for another part to be ready, because each
 * part copes with one that is not yet: the Postgres replica and the Redis replica retry their primaries (through
 * a link whose address is fixed before Toxiproxy runs), the Sentinels resolve names again at each reconnect,
 * HAProxy starts with its servers unresolved, the sites retry their dependencies and answer /health 200 as soon
 * as one serves (as a deployment must when it boots before its database), and Caddy's active checks find the
 * sites as they come up. verify() then waits for all of it. If any part fails, everything started so far is
 * removed before the error is thrown.
 */
export async function startTopology(options: SpecOptions = {}): Promise<StartedTopology> {
  const spec: TopologySpec = resolveSpec(options);
  const network = await startRunNetwork();
  const startMs: StartTimes = {};
  const parts: Writable<TopologyParts> = { spec, network, startMs };
  // Each part starts if the spec has it, and records how long it took.
  const part = async <T>(name: keyof StartTimes, wanted: boolean, start: () => Promise<T>, keep: (value: T) => void) => {
    if (!wanted) return;
    const t = await timed(start);
    keep(t.value);
    startMs[name] = t.ms;
  };
  const has = (slice: Slice) => spec.slices.includes(slice);
  const results = await Promise.allSettled([
    part<PostgresPair>("postgres", has("postgres"), () => startPostgresPair(network, spec.timings, spec.postgres, spec.files.postgresSchema), (v) => (parts.postgres = v)),
    part<DeclaredNode[]>("nodes", checkedNodes(spec).length > 0, () => startDeclaredNodes(network, spec), (v) => (parts.nodes = v)),
  ]);
  const started = results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as unknown;
  const topology = started === undefined ? new StartedTopology(parts) : undefined;
  // A role of the spec that nothing started: a slice whose nodes no kind declares (its kinds not loaded).
  const unstarted = topology ? rolesOf(spec).filter((r) => !topology.runs(r)) : [];
  if (topology && unstarted.length === 0) return topology;
  const failure = started ?? new Error(`nothing started ${unstarted.join(", ")}: the kinds that run them are not loaded (import Brownout's kinds, src/kinds/index.ts, as its entry point does)`);
  // The start's own error is the one to report; a failed clean-up is only added to it.
  const cleanup = await removeRunNetwork(network).then(
    () => null,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  const error = failure instanceof Error ? failure : new Error("topology start failed", { cause: failure });
  if (cleanup) error.message += ` (and removing what had started failed: ${cleanup.message})`;
  throw error;
}
