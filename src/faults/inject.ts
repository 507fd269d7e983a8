import { type ActiveFault, activeFault } from "../cluster/fault-handle.js";
import type { StartedTopology } from "../cluster/started-topology.js";
import type { FaultSpec } from "./spec.js";

/**
 * Interprets a fault against a started topology: the topology's methods do the work (and, in a run, the nemesis
 * records each as a step of the history and the journal). Resolves once the fault is in force, with its heal.
 */
export async function injectFault(topology: StartedTopology, f: FaultSpec): Promise<ActiveFault> {
  switch (f.kind) {
    case "kill":
      return topology.kill(f.role);
    case "stop":
      return topology.stop(f.role);
    case "pause":
      return topology.pause(f.role);
    case "restart":
      return topology.restart(f.role);
    case "partition":
      return topology.partition(f.between[0], f.between[1]);
    case "loss":
      return topology.packetLoss(f.role, f.percent);
    case "toxic":
      return topology.toxic(f.link, f.toxic);
    case "promote":
      return topology.promote(f.role);
    case "set-server":
      return topology.setServer(f.backend, f.server, f.change);
    case "sentinel-failover":
      return topology.sentinelFailover();
    case "haproxy-restart":
      if (f.edits.length > 0) return topology.editHaproxy(f.edits);
      await topology.recreateHaproxy();
      // Nothing to undo: the new HAProxy is the new steady state.
      return activeFault("haproxy recreated", () => Promise.resolve(), "haproxy");
  }
}
