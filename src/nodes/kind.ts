import type { GenericContainer, StartedTestContainer } from "testcontainers";
import type { ActiveFault } from "../cluster/fault-handle.js";
import type { NodeAddress } from "../cluster/address.js";
import type { NodeDeclaration } from "../cluster/topology.js";

export type { NodeAddress, NodeDeclaration };


/**
 * One operation of a kind. Written in method form so that a kind of specific settings is still a NodeKind of
 * unknown ones where kinds are held together (a registry), as the kind's other methods are.
 */
export type KindOperation<S> = {
  run(node: { readonly name: string; readonly container: StartedTestContainer }, settings: S, args: Readonly<Record<string, unknown>>): Promise<ActiveFault>;
}["run"];

/** Where another node run by a kind answers now, by name (undefined: no such node). */
export interface StackLookup {
  address(name: string): NodeAddress | undefined;
}

/** The paths a node relays on others' behalf (a proxy's links), and names for several of them together. */
export interface Relayed {
  readonly links: readonly { readonly name: string; readonly listenPort: number; readonly upstream: string }[];
  readonly groups?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The door every node kind goes through, the built-in ones as a team's own: how to check a declaration's
 * settings, build what it runs, make its container, and say what is off with it when it runs. The stack adds
 * Brownout's own rules (labels, the run's network and aliases, readable names, ports on loopback only).
 */
export interface NodeKind<S = unknown> {
  readonly name: string;
  /** One line for `brownout` listings and errors. */
  readonly summary: string;
  /** The raw settings with their paths made absolute from `dir` (a config's folder), before they are checked. */
  relativeTo?(settings: unknown, dir: string): unknown;
  /** The declaration's settings, checked: an unknown key names the valid ones; a bad value says what is expected. */
  settings(node: NodeDeclaration): S;
  /** Builds or finds what the node runs, before any container starts (an image that cannot be had fails here). */
  prepare?(node: NodeDeclaration, settings: S): Promise<{ readonly image: string }>;
  /** The volumes a disk-full fault may fill (paths of bounded tmpfs mounts: never a bind mount, which is the host's disk). */
  volumes?(settings: S): readonly string[];
  /** The ports it publishes (on loopback): what `problems` and probes reach from the host. */
  ports(settings: S): readonly number[];
  /** The container to start, its image given by prepare: command, environment, ports, wait, capabilities, mounts. */
  container(node: NodeDeclaration, settings: S, image: string): GenericContainer;
  /**
   * Its operations by name, as an operator runs them (`{ kind: "operation", node, op, args }`): each resolves
   * once done, with its heal (a no-op for an irreversible one).
   */
  readonly operations?: Readonly<Record<string, KindOperation<S>>>;
  /** What is off with the running node (empty when it serves): part of verify()'s steady state. */
  problems?(node: { readonly name: string; readonly address: NodeAddress }, settings: S): Promise<string[]>;
  /**
   * The mechanisms in force on the running node, read back from the server itself (its loaded config, its
   * environment), never from what the harness meant to write: what positive controls compare with the design.
   */
  readBack?(node: { readonly name: string; readonly address: NodeAddress }, settings: S): Promise<unknown>;
  /**
   * The paths it relays for other nodes (`host:port` upstreams it forwards to): a partition between two nodes cuts
   * the relayed path from one to the other too, and a `toxic` fault on a link is its `toxic` operation.
   */
  relays?(settings: S): Relayed;
  /**
   * What the kind does and asks with all of a stack's nodes of it at once, for a group whose members are set up
   * and judged together (a replicated pair): `setUp` once every one of them started (each pointed at the others, a
   * schema loaded), `problems` across them (positions apart), beside each node's own.
   */
  readonly together?: {
    setUp?(nodes: readonly { readonly name: string; readonly container: StartedTestContainer; readonly settings: S }[]): Promise<void>;
    /** `stack` finds where any other node of the stack answers (a monitor asks what it watches what it says of itself). */
    problems?(nodes: readonly { readonly name: string; readonly address: NodeAddress; readonly settings: S }[], stack: StackLookup): Promise<string[]>;
  };
}
