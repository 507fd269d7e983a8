import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { whenRunning } from "../cluster/containers.js";
import type { NodeDeclaration, TopologySpec } from "../cluster/topology.js";
import type { NodeKind } from "./kind.js";
import { nodeKind, stackNodes } from "./registry.js";

/** A declared node, started: its declaration, its kind and checked settings, and its container. */
export interface DeclaredNode {
  readonly declaration: NodeDeclaration;
  readonly kind: NodeKind;
  readonly settings: unknown;
  /** The image it runs (its kind's prepare said which), so it can be started again from its declaration. */
  readonly image: string;
  readonly container: StartedTestContainer;
}

/**
 * Every node run through a kind (the slices' and the declared ones) with its kind and checked settings: what a
 * dry run and a start both need, before any engine.
 */
export function checkedNodes(spec: TopologySpec): { declaration: NodeDeclaration; kind: NodeKind; settings: unknown }[] {
  return stackNodes(spec).map((declaration) => {
    const kind = nodeKind(declaration.kind);
    return { declaration, kind, settings: kind.settings(declaration) };
  });
}

/**
 * Builds (or finds) the image of every node these stacks declare, through its kind, once per distinct node: ahead
 * of the runs, so no run's time includes a build. Says each image it has.
 */
export async function prepareDeclaredNodes(specs: readonly TopologySpec[], say: (line: string) => void = () => undefined): Promise<void> {
  const seen = new Set<string>();
  for (const n of specs.flatMap((spec) => checkedNodes(spec))) {
    const key = JSON.stringify([n.declaration.name, n.kind.name, n.settings]);
    if (seen.has(key) || !n.kind.prepare) continue;
    seen.add(key);
    const { image } = await n.kind.prepare(n.declaration, n.settings);
    say(`[images] node ${n.declaration.name} (${n.kind.name}): ${image}`);
  }
}

/**
 * Starts a stack's declared nodes on the run network, each under its name (its network alias too): their images
 * first (a build, or one the engine must have), then each as soon as the nodes it starts after have started.
 * Resolves with every node, or rejects with the first failure once every start has settled (so nothing started
 * is left unknown to the caller, who removes the network and all on it).
 */
export async function startDeclaredNodes(network: StartedNetwork, spec: TopologySpec): Promise<DeclaredNode[]> {
  const nodes = checkedNodes(spec);
  // One after another: nodes that share a build (web1..web3) build it once, the others find it built.
  const images: string[] = [];
  for (const n of nodes) images.push(n.kind.prepare ? (await n.kind.prepare(n.declaration, n.settings)).image : "");
  const started = new Map<string, Promise<DeclaredNode>>();
  // Each node's container running (its wait not awaited), for the nodes that start after it only so.
  const running = new Map<string, Promise<void>>();
  const indexOf = (name: string) => nodes.findIndex((x) => x.declaration.name === name);
  const start = (i: number): Promise<DeclaredNode> => {
    const n = nodes[i];
    if (!n) throw new Error(`no node ${String(i)}`);
    const existing = started.get(n.declaration.name);
    if (existing) return existing;
    let isRunning!: () => void;
    const up = new Promise<void>((resolve) => (isRunning = resolve));
    const p = (async () => {
      // The spec refused a cycle in `after`, so this waits for each dependency once.
      await Promise.all([
        ...(n.declaration.after ?? []).map((a) => start(indexOf(a))),
        ...(n.declaration.afterStarted ?? []).map((a) => {
          const dependency = start(indexOf(a));
          return Promise.race([running.get(a), dependency]);
        }),
      ]);
      const image = images[i] ?? "";
      return { ...n, image, container: await startNode(network, n, image, undefined, isRunning) };
    })();
    // A container that is not ours says nothing before its wait has passed: running once started.
    running.set(n.declaration.name, Promise.race([up, p.then(() => undefined)]));
    started.set(n.declaration.name, p);
    return p;
  };
  const starts = nodes.map((_, i) => start(i));
  // A group is set up together as soon as its own members run (a replicated pair pointed at each other), each kind
  // once, while the other nodes go on starting.
  const kinds = [...new Set(nodes.map((n) => n.kind))];
  const setUps = kinds.map(async (kind) => {
    const together = kind.together;
    if (!together?.setUp) return;
    const members = await Promise.all(starts.filter((_, i) => nodes[i]?.kind === kind));
    await together.setUp(members.map((n) => ({ name: n.declaration.name, container: n.container, settings: n.settings })));
  });
  const results = await Promise.allSettled([...starts, ...setUps]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.slice(0, starts.length).map((r) => (r as PromiseFulfilledResult<DeclaredNode>).value);
}

/** Nodes grouped by their kind, each kind once, in the order the kinds first appear. */
export function byKind(nodes: readonly DeclaredNode[]): [NodeKind, DeclaredNode[]][] {
  const groups = new Map<NodeKind, DeclaredNode[]>();
  for (const n of nodes) groups.set(n.kind, [...(groups.get(n.kind) ?? []), n]);
  return [...groups.entries()];
}

/**
 * One node's container from its declaration, on the run network under its name: a first start, or a recreation
 * (whose operator may give it environment of its own, laid over the declaration's).
 */
export function startNode(
  network: StartedNetwork,
  n: { declaration: NodeDeclaration; kind: NodeKind; settings: unknown },
  image: string,
  environment?: Readonly<Record<string, string>>,
  onRunning?: () => void,
): Promise<StartedTestContainer> {
  const container = n.kind.container(n.declaration, n.settings, image).withNetwork(network).withNetworkAliases(n.declaration.name);
  if (onRunning) whenRunning(container, onRunning);
  return (environment === undefined ? container : container.withEnvironment(environment)).start();
}
