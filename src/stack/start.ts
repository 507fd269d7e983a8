import { removeRunNetwork, startRunNetwork } from "../cluster/network.js";
import { type StartTimes, StartedTopology, type TopologyParts, type Writable } from "./started-topology.js";
import { type SpecOptions, type TopologySpec, resolveSpec, rolesOf } from "../cluster/topology.js";
import { checkedNodes, startDeclaredNodes } from "../nodes/start.js";

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
  // Every node through its kind, each as soon as the nodes it starts after have; how long it all took is recorded.
  const started = checkedNodes(spec).length === 0
    ? undefined
    : await timed(() => startDeclaredNodes(network, spec)).then(
        (t) => {
          parts.nodes = t.value;
          startMs.nodes = t.ms;
          return undefined;
        },
        (e: unknown) => e ?? new Error("topology start failed"),
      );
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
