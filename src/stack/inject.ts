import type { ActiveFault } from "../cluster/fault-handle.js";
import type { StartedTopology } from "./started-topology.js";
import type { FaultSpec } from "../faults/spec.js";

/**
 * Injects a fault given as data through the topology's one door (in a run, the nemesis records it as a step of
 * the history and the journal). Resolves once the fault is in force, with its heal.
 */
export function injectFault(topology: StartedTopology, f: FaultSpec): Promise<ActiveFault> {
  return topology.inject(f);
}
