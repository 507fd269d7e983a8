import type { GenericContainer } from "testcontainers";
import { UserError } from "../errors.js";
import { GENERIC, GENERIC_KEYS, type GenericSettings } from "./generic.js";
import type { KindOperation, NodeAddress, NodeDeclaration, NodeKind } from "./kind.js";

/** A kind built on the generic node: the generic node's settings (from a compose service, say) and its own. */
export interface OnGenericSettings<O> {
  readonly generic: GenericSettings;
  readonly own: O;
}

export interface OnGenericOptions<O> {
  readonly name: string;
  readonly summary: string;
  /** The kind's own setting names: split off the declaration's settings; every other key is the generic node's. */
  readonly ownKeys: readonly string[];
  /** The own settings, checked (given only the own keys, possibly none). */
  own(raw: Readonly<Record<string, unknown>>, node: string): O;
  /** What the own settings change in the generic node's raw settings (environment, health, a default build). */
  generic?(raw: Readonly<Record<string, unknown>>, own: O, node: NodeDeclaration): Record<string, unknown>;
  readonly operations?: Readonly<Record<string, KindOperation<OnGenericSettings<O>>>>;
  /** Problems beyond the generic node's health (a mechanism read back from the running server). */
  problems?(node: { readonly name: string; readonly address: NodeAddress }, settings: OnGenericSettings<O>): Promise<string[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A node kind that runs its node as the generic node does (image or build, ports, environment, health, mounts)
 * and adds its own settings, operations and problems. A compose service run by such a kind (`x-brownout: { kind,
 * settings }`) keeps everything its compose keys say, so a team adds behaviour without restating its service.
 */
export function kindOnGeneric<O>(o: OnGenericOptions<O>): NodeKind<OnGenericSettings<O>> {
  const split = (raw: unknown): { own: Record<string, unknown>; rest: Record<string, unknown> } => {
    const r = isObject(raw) ? raw : {};
    return {
      own: Object.fromEntries(Object.entries(r).filter(([k]) => o.ownKeys.includes(k))),
      rest: Object.fromEntries(Object.entries(r).filter(([k]) => !o.ownKeys.includes(k))),
    };
  };
  return {
    name: o.name,
    summary: o.summary,
    relativeTo(raw, dir) {
      const { own, rest } = split(raw);
      const generic = GENERIC.relativeTo?.(rest, dir) ?? rest;
      return { ...(isObject(generic) ? generic : {}), ...own };
    },
    settings(node) {
      const { own: rawOwn, rest } = split(node.settings);
      const unknown = Object.keys(rest).filter((k) => !(GENERIC_KEYS as readonly string[]).includes(k));
      if (unknown.length > 0) throw new UserError(`node '${node.name}' (${o.name}): unknown setting ${unknown.map((k) => `'${k}'`).join(", ")}; its own settings are: ${o.ownKeys.join(", ") || "none"}; a generic node's: ${GENERIC_KEYS.join(", ")}`);
      const own = o.own(rawOwn, node.name);
      const raw = o.generic ? o.generic(rest, own, node) : rest;
      return { own, generic: GENERIC.settings({ ...node, kind: GENERIC.name, settings: raw }) };
    },
    ports: (s) => GENERIC.ports(s.generic),
    volumes: (s) => GENERIC.volumes?.(s.generic) ?? [],
    prepare: (node, s) => {
      if (!GENERIC.prepare) throw new Error("the generic kind prepares its image");
      return GENERIC.prepare(node, s.generic);
    },
    container: (node, s, image): GenericContainer => GENERIC.container(node, s.generic, image),
    ...(o.operations ? { operations: o.operations } : {}),
    async problems(node, s) {
      const health = (await GENERIC.problems?.(node, s.generic)) ?? [];
      // A node that does not serve has nothing more to read back.
      return health.length > 0 || !o.problems ? health : o.problems(node, s);
    },
  };
}
