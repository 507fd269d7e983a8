import { UserError } from "../errors.js";
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
