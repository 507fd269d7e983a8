// The cluster layer's public API: start a topology, read its facts, inject faults through it.
export { startTopology } from "./start.js";
export { StartedTopology, type VerifyResult } from "./started-topology.js";
export type { FactsSnapshot, SteadyStateFacts } from "./facts.js";
export { DEFAULT_TIMINGS, NODE_ROLES, SLICES, type DetectionTimings, type NodeRole, type Slice, type TopologySpec } from "./topology.js";
export { LINKS, TOXIC_TYPES, type LinkName, type ToxicSpec } from "./toxiproxy.js";
export { RUN_LABEL, ROLE_LABEL, runId } from "./labels.js";
export { HAPROXY_PORTS, HaproxyNode, type HaproxyFrontend, type ServerChange, type ServerState } from "./haproxy.js";
