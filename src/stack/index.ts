// The stack layer's public API: start a topology (the built-in parts and the declared nodes), ask its nodes, inject faults through it.
export { startTopology } from "./start.js";
export { StartedTopology, type VerifyResult } from "./started-topology.js";
export { DEFAULT_TIMINGS, NODE_ROLES, SLICES, type DetectionTimings, type NodeRole, type Slice, type TopologySpec } from "../cluster/topology.js";
export { LINKS, TOXIC_TYPES, type LinkName, type ToxicSpec } from "../kinds/toxiproxy/links.js";
export { RUN_LABEL, ROLE_LABEL, runId } from "../cluster/labels.js";
export { HAPROXY_PORTS, HaproxyNode, type HaproxyFrontend, type ServerChange, type ServerState } from "../kinds/haproxy/runtime.js";
