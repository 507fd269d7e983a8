import { UserError } from "../errors.js";
import { type NodeDeclaration, type Slice, type TopologySpec, mergeNodes } from "../cluster/topology.js";
import { GENERIC } from "./generic.js";
import type { NodeKind } from "./kind.js";

/** The generic kind; the kinds Brownout ships register themselves from src/kinds/, a config's from its `kinds`. */
const KINDS = new Map<string, NodeKind>([[GENERIC.name, GENERIC]]);

/** Adds a kind (a config's own, through the same door as the built-in ones); a name is registered once. */
export function registerNodeKind(kind: NodeKind): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(kind.name)) throw new UserError(`a node kind's name is lowercase letters, digits and '-', not '${kind.name}'`);
  const known = KINDS.get(kind.name);
  if (known && known !== kind) throw new UserError(`two node kinds are named '${kind.name}'`);
  KINDS.set(kind.name, kind);
}

/** A kind by name, or a clear error naming the kinds there are. */
export function nodeKind(name: string): NodeKind {
  const kind = KINDS.get(name);
  if (!kind) throw new UserError(`unknown node kind '${name}'; kinds are: ${[...KINDS.keys()].join(", ")}`);
  return kind;
}

export function nodeKinds(): readonly NodeKind[] {
  return [...KINDS.values()];
}

/** The nodes a built-in slice of the spec runs, each with its kind and settings (made from the spec's timings). */
export type SliceNodes = (spec: TopologySpec) => readonly NodeDeclaration[];

const SLICE_NODES = new Map<Slice, SliceNodes>();

/** A kind's folder declares the nodes of a built-in slice (the web slice: two app sites and Caddy). */
export function registerSliceNodes(slice: Slice, nodes: SliceNodes): void {
  if (SLICE_NODES.has(slice)) throw new UserError(`the nodes of slice '${slice}' are declared twice`);
  SLICE_NODES.set(slice, nodes);
}

/**
 * Every node the stack runs through a kind: its slices' nodes, then the nodes it declares. A declared node of a
 * slice node's name and kind lays its settings over it (a mutant's change), as between declarations.
 */
export function stackNodes(spec: TopologySpec): NodeDeclaration[] {
  const fromSlices = spec.slices.flatMap((slice) => SLICE_NODES.get(slice)?.(spec) ?? []);
  return mergeNodes(fromSlices, spec.nodes);
}
