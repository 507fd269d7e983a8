import { UserError } from "../errors.js";
import type { NodeDeclaration, TopologySpec } from "../cluster/topology.js";
import { GENERIC } from "./generic.js";
import type { NodeKind } from "./kind.js";

/** The generic kind; the kinds Brownout ships register themselves from src/kinds/, a config's from its `kinds`. */
const KINDS = new Map<string, NodeKind>([[GENERIC.name, GENERIC]]);

/** The kinds Brownout ships, by name: a config's own kind of the same name takes the name over. */
const SHIPPED = new Set<string>();

/**
 * Adds a kind (a config's own, through the same door as the built-in ones); a name is registered once, except that a
 * config's kind may take over the name of a kind Brownout ships (a team's own `haproxy`): the config's nodes of
 * that name then run on the team's kind, and a built-in part that needed the shipped one says so by its settings.
 */
export function registerNodeKind(kind: NodeKind, options: { shipped?: boolean } = {}): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(kind.name)) throw new UserError(`a node kind's name is lowercase letters, digits and '-', not '${kind.name}'`);
  const known = KINDS.get(kind.name);
  if (known && known !== kind && !SHIPPED.has(kind.name)) throw new UserError(`two node kinds are named '${kind.name}'`);
  if (options.shipped) SHIPPED.add(kind.name);
  else SHIPPED.delete(kind.name);
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

/** The nodes a built-in part of the spec runs (its web slice, its Toxiproxy), each with its kind and settings. */
export type SpecNodes = (spec: TopologySpec) => readonly NodeDeclaration[];

const SPEC_NODES = new Map<string, SpecNodes>();

/** A kind's folder declares the nodes of a built-in part, made from the spec (the web slice: two sites and Caddy). */
export function registerSpecNodes(part: string, nodes: SpecNodes): void {
  if (SPEC_NODES.has(part)) throw new UserError(`the nodes of '${part}' are declared twice`);
  SPEC_NODES.set(part, nodes);
}

/**
 * Every node the stack runs through a kind: its built-in parts' nodes (made from the spec: a mutant changes them
 * through the spec's timings and patches), then the nodes it declares (which never take a built-in name).
 */
export function stackNodes(spec: TopologySpec): NodeDeclaration[] {
  return [...[...SPEC_NODES.values()].flatMap((nodes) => nodes(spec)), ...spec.nodes];
}
