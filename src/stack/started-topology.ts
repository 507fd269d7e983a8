import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { UserError } from "../errors.js";
import { type ActiveFault, FaultLedger, activeFault } from "../cluster/fault-handle.js";
import { type ProxiedPath, partition as partitionNodes } from "../cluster/partition.js";
import { type LossMechanism, detectLossMechanism, packetLoss } from "../cluster/packet-loss.js";
import { type ProcessFault, injectProcessFault } from "../cluster/process-control.js";
import { dockerClient } from "../images/engine.js";
import { PORTS, hostUrl } from "../cluster/containers.js";
import { fillVolume } from "../cluster/disk-full.js";
import { addressOf } from "../cluster/address.js";
import { demuxedText } from "../cluster/docker-output.js";
import { type Mechanisms, readMechanisms } from "./mechanisms.js";
import { removeRunNetwork } from "../cluster/network.js";
import { type NodeRole, type Site, type TopologySpec, assertRole } from "../cluster/topology.js";
import { type DeclaredNode, byKind, startNode } from "../nodes/start.js";
import type { StackLookup } from "../nodes/kind.js";
import type { ToxicSpec } from "../faults/spec.js";
import type { NodeAddress } from "../cluster/address.js";
import { type FaultSpec, type NodeName, type PartitionSide, diskFull, kill, loss, operation, partition, pause, promote, recreate, restart, stop, toxic } from "../faults/spec.js";

export interface Endpoints {
  readonly caddy: string;
  readonly haproxyWeb: string;
  readonly haproxyStats: string;
  readonly apps: Readonly<Record<Site, string>>;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** What is off, in words; empty when ok. */
  readonly problems: readonly string[];
  /** How long verify polled before the facts were steady (or it gave up). */
  readonly waitedMs: number;
}

/** How long the nodes took to start (every one through its kind), in ms. */
export type StartTimes = { nodes?: number };

/** The same shape with its fields writable: for code that assembles a value and hands it out read-only. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

export interface TopologyParts {
  readonly spec: TopologySpec;
  readonly network: StartedNetwork;
  /** The nodes run by a kind (the web slice's sites and Caddy, the nodes the stack declares). */
  readonly nodes?: readonly DeclaredNode[];
  readonly startMs: Readonly<StartTimes>;
}

/** Records a fault as it is injected (a run's nemesis): runs `apply` and answers with the fault, its heal recorded. */
export type FaultRecorder = (f: FaultSpec, apply: () => Promise<ActiveFault>) => Promise<ActiveFault>;

/** A running topology: its nodes, steady-state facts, and the faults it can take. Disposal heals and removes all. */
export class StartedTopology implements AsyncDisposable {
  readonly spec: TopologySpec;
  readonly startMs: Readonly<StartTimes>;
  readonly #parts: Writable<TopologyParts>;
  readonly #nodes = new Map<NodeRole, StartedTestContainer>();
  readonly #faults = new FaultLedger();
  #lossMechanism: Promise<LossMechanism> | undefined;
  #recorder: FaultRecorder | undefined;

  constructor(parts: TopologyParts) {
    this.#parts = parts;
    this.spec = parts.spec;
    this.startMs = parts.startMs;
    for (const n of parts.nodes ?? []) this.#nodes.set(n.declaration.name as NodeRole, n.container);
  }

  /** The nodes run by a kind (the web slice's sites and Caddy, a team's servers), each with its kind. */
  get declaredNodes(): readonly DeclaredNode[] {
    return this.#parts.nodes ?? [];
  }

  /** What is off with the nodes run by kinds, each asked by its kind (empty when every one serves). */
  async nodeProblems(): Promise<string[]> {
    const [each, groups] = await Promise.all([
      Promise.all(this.declaredNodes.map((n) => (n.kind.problems ? n.kind.problems(this.#asked(n), n.settings) : Promise.resolve([])))),
      Promise.all(byKind(this.declaredNodes).map(([kind, members]) => kind.together?.problems?.(members.map((n) => ({ ...this.#asked(n), settings: n.settings })), this.#lookup) ?? Promise.resolve([]))),
    ]);
    return [...each.flat(), ...groups.flat()];
  }

  /** Where any node run by a kind answers now, for a kind that asks its group's peers of other kinds. */
  readonly #lookup: StackLookup = {
    address: (name) => {
      const n = this.declaredNodes.find((d) => d.declaration.name === name);
      return n ? this.#asked(n).address : undefined;
    },
  };

  /** A node as its kind is asked about it: its name and where it answers now (a restarted node has new ports). */
  #asked(n: DeclaredNode): { name: string; address: NodeAddress } {
    return { name: n.declaration.name, address: addressOf(n.container, n.kind.ports(n.settings)) };
  }

  /** Where a client on the host reaches the stack: Caddy, HAProxy's web frontend and stats, each site directly. */
  endpoints(): Endpoints {
    const haproxy = this.node("haproxy");
    return {
      caddy: hostUrl(this.node("caddy"), PORTS.caddyHttp),
      haproxyWeb: hostUrl(haproxy, PORTS.haproxyWeb),
      haproxyStats: `${hostUrl(haproxy, PORTS.haproxyStats)}/stats`,
      apps: { gra: hostUrl(this.node("app-gra"), PORTS.app), sbg: hostUrl(this.node("app-sbg"), PORTS.app) },
    };
  }

  /** Whether a node of this name runs in the topology. */
  runs(name: string): boolean {
    return this.#nodes.has(name as NodeRole);
  }

  node(role: string): StartedTestContainer {
    const r = assertRole(this.spec, role);
    const c = this.#nodes.get(r);
    if (!c) throw new UserError(`role '${r}' has no container`);
    return c;
  }

  /** The protective mechanisms as the running servers have them (for positive controls). */
  mechanisms(): Promise<Mechanisms> {
    const readBack = this.declaredNodes.flatMap((n) => (n.kind.readBack ? [{ name: n.declaration.name, read: () => n.kind.readBack?.(this.#asked(n), n.settings) ?? Promise.resolve(undefined) }] : []));
    return readMechanisms(readBack);
  }

  /**
   * Asks every node's kind what is off (every 100 ms, up to withinMs) until nothing is: replication is
   * asynchronous, so "caught up" is a state reached shortly after the last write, not at every instant.
   */
  async verify(options: { withinMs?: number } = {}): Promise<VerifyResult> {
    const withinMs = options.withinMs ?? 5000;
    const t0 = performance.now();
    for (;;) {
      const problems = await this.nodeProblems();
      const waitedMs = performance.now() - t0;
      if (problems.length === 0 || waitedMs >= withinMs) return { ok: problems.length === 0, problems, waitedMs };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * The one door every fault goes through: a run's nemesis (set with `recordFaultsWith`) records it, as a step
   * of the history and the journal, with its heal. The fault methods below are shorthands for it.
   */
  inject(f: FaultSpec): Promise<ActiveFault> {
    return this.#recorder ? this.#recorder(f, () => this.#apply(f)) : this.#apply(f);
  }

  /** From now on, every fault is recorded through `recorder`; returns the way to stop recording. */
  recordFaultsWith(recorder: FaultRecorder): () => void {
    this.#recorder = recorder;
    return () => {
      if (this.#recorder === recorder) this.#recorder = undefined;
    };
  }

  #apply(f: FaultSpec): Promise<ActiveFault> {
    switch (f.kind) {
      case "kill":
      case "stop":
      case "pause":
      case "restart":
        return this.#process(f.kind, f.role);
      case "partition":
        return this.#partition(f.between[0], f.between[1]);
      case "loss":
        return this.#packetLoss(f.role, f.percent);
      case "disk-full":
        return this.#fillDisk(f.role, f.volume);
      case "toxic":
        return this.#toxic(f.link, f.toxic);
      case "operation":
        return this.#operation(f.node, f.op, f.args ?? {});
      case "promote":
        // Promoting a standby is its kind's operation: the core knows which node, not how.
        return this.#operation(assertRole(this.spec, f.role), "promote", {});
      case "recreate":
        return this.#recreate(f.node, f.environment);
    }
  }

  kill(role: NodeName): Promise<ActiveFault> {
    return this.inject(kill(role));
  }

  stop(role: NodeName): Promise<ActiveFault> {
    return this.inject(stop(role));
  }

  pause(role: NodeName): Promise<ActiveFault> {
    return this.inject(pause(role));
  }

  restart(role: NodeName): Promise<ActiveFault> {
    return this.inject(restart(role));
  }

  /**
   * A real network partition between two sides, each a node or several (both directions), until healed. Traffic
   * a node sends to the other side through a Toxiproxy link (pg-replica to pg-primary over pg-replication, say)
   * is cut as well; nodes on one side still reach each other.
   */
  partition(sideA: PartitionSide, sideB: PartitionSide): Promise<ActiveFault> {
    return this.inject(partition(sideA, sideB));
  }

  /** Drops `percent` of a node's packets each way, until healed (the mechanism is in the fault's description). */
  packetLoss(role: NodeName, percent: number): Promise<ActiveFault> {
    return this.inject(loss(role, percent));
  }

  /**
   * Fills a node's disk to the last block, until healed (the heal frees it): pg-primary's WAL volume, which
   * exists when the spec gives it one (`postgres.walVolumeMb`), or a declared node's tmpfs volume (by its path;
   * the only one, if it has one).
   */
  fillDisk(role: NodeName, volume?: string): Promise<ActiveFault> {
    return this.inject(diskFull(role, volume));
  }

  /** A toxic on a Toxiproxy link, until healed. */
  toxic(link: string, spec: ToxicSpec): Promise<ActiveFault> {
    return this.inject(toxic(link, spec));
  }

  /**
   * Operator action: promote a standby, by its kind's `promote` (pg_promote for PostgreSQL). Irreversible by design,
   * like the real one: its heal is a no-op, and verify() reports the pair as no longer redundant until rebuilt.
   */
  promote(role: NodeName): Promise<ActiveFault> {
    return this.inject(promote(role));
  }

  /**
   * An operation of a node's kind, by name (`operation("haproxy", "set-server", { backend, server, change })`,
   * `operation("sentinel-1", "failover")`); an unknown one names the kind's operations.
   */
  operation(node: NodeName, op: string, args?: Readonly<Record<string, unknown>>): Promise<ActiveFault> {
    return this.inject(operation(node, op, args));
  }

  /**
   * Recovery by an operator: a node run by a kind started anew from its declaration (its container removed first
   * if it is still there: a new HAProxy from the config the old one ran), with the operator's own environment laid
   * over the declaration's when given. Its host ports are new; what reads them through the topology sees them.
   */
  recreate(node: NodeName, o: { environment?: Readonly<Record<string, string>> } = {}): Promise<ActiveFault> {
    return this.inject(recreate(node, o));
  }

  async #process(kind: ProcessFault, role: string): Promise<ActiveFault> {
    const container = this.node(role);
    return this.#faults.track(await injectProcessFault(kind, role, container));
  }

  async #partition(sideA: PartitionSide, sideB: PartitionSide): Promise<ActiveFault> {
    const side = (s: PartitionSide) => (typeof s === "string" ? [s] : s).map((r) => assertRole(this.spec, r));
    const [a, b] = [side(sideA), side(sideB)];
    const both = a.filter((r) => b.includes(r));
    if (both.length > 0) throw new UserError(`cannot partition ${both.join(", ")} from itself`);
    if (a.length === 0 || b.length === 0) throw new UserError("a partition needs a role on each side");
    // What a node sends the other side through a relaying node (a Toxiproxy link to it) is cut as well.
    const pairs = [...a.flatMap((x) => b.map((y) => [x, y] as const)), ...b.flatMap((y) => a.map((x) => [y, x] as const))];
    const paths: ProxiedPath[] = this.declaredNodes.flatMap((relay) =>
      (relay.kind.relays?.(relay.settings).links ?? []).flatMap((link) => pairs.filter(([, to]) => link.upstream.split(":")[0] === to).map(([from]) => ({ from, proxy: relay.container, port: link.listenPort }))),
    );
    const endpoints = (roles: readonly NodeRole[]) => roles.map((r) => ({ name: r, container: this.node(r) }));
    return this.#faults.track(await partitionNodes(endpoints(a), endpoints(b), paths));
  }

  /**
   * How this kernel drops packets (netem, else iptables' statistic match), detected once per topology in a
   * sidecar on one node's namespace (any will do: the kernel is the host's); a run that injects loss reports it.
   */
  lossMechanism(): Promise<LossMechanism> {
    const [any] = this.#nodes.values();
    if (!any) return Promise.reject(new Error("the topology runs no node to detect the loss mechanism in"));
    this.#lossMechanism ??= detectLossMechanism(any);
    return this.#lossMechanism;
  }

  async #packetLoss(role: string, percent: number): Promise<ActiveFault> {
    const r = assertRole(this.spec, role);
    return this.#faults.track(await packetLoss(this.node(r), r, percent, await this.lossMechanism()));
  }

  async #fillDisk(role: string, volume: string | undefined): Promise<ActiveFault> {
    const r = assertRole(this.spec, role);
    const declared = this.declaredNodes.find((n) => n.declaration.name === r);
    const volumes = declared?.kind.volumes?.(declared.settings) ?? [];
    const path = volume ?? (volumes.length === 1 ? volumes[0] : undefined);
    if (path === undefined || !volumes.includes(path)) {
      throw new UserError(`disk-full on ${r} fills one of its declared tmpfs volumes${volumes.length > 0 ? `: ${volumes.join(", ")}` : ", and it declares none"}${volume === undefined ? "" : ` (not ${volume})`}`);
    }
    return this.#faults.track(await fillVolume(this.node(r), r, path));
  }

  /** A declared node's kind operation, by name; an unknown one names the kind's operations. */
  async #operation(node: string, op: string, args: Readonly<Record<string, unknown>>): Promise<ActiveFault> {
    const declared = this.declaredNodes.find((n) => n.declaration.name === node);
    if (!declared) throw new UserError(`operation '${op}' on ${node}: operations belong to the kinds of the nodes run through one; those nodes are: ${this.declaredNodes.map((n) => n.declaration.name).join(", ") || "none"}`);
    const run = declared.kind.operations?.[op];
    if (!run) throw new UserError(`node ${node} (${declared.kind.name}) has no operation '${op}'; its operations are: ${Object.keys(declared.kind.operations ?? {}).join(", ") || "none"}`);
    return this.#faults.track(await run({ name: node, container: declared.container }, declared.settings, args));
  }

  /** A toxic on a link (or a group of links), by the node that relays it: its kind's `toxic` operation. */
  async #toxic(link: string, spec: ToxicSpec): Promise<ActiveFault> {
    const relays = this.declaredNodes.map((n) => ({ n, r: n.kind.relays?.(n.settings) })).filter((x) => x.r !== undefined);
    const by = relays.find(({ r }) => r?.links.some((l) => l.name === link) === true || r?.groups?.[link] !== undefined);
    if (!by) {
      const links = relays.flatMap(({ r }) => r?.links.map((l) => l.name) ?? []);
      const groups = relays.flatMap(({ r }) => Object.keys(r?.groups ?? {}));
      throw new UserError(`unknown link '${link}'; links are: ${links.join(", ") || "none"}${groups.length ? `; groups are: ${groups.join(", ")}` : ""}`);
    }
    return this.#operation(by.n.declaration.name, "toxic", { link, toxic: spec });
  }

  /**
   * A node run by a kind, recreated from its declaration (an operator rebuilding it from the stored configuration):
   * its container removed if still there, a fresh one started on the run network under its name. Its host ports
   * are new; what reads them through the topology sees them. Nothing to undo: the new node is the new steady state.
   */
  async #recreate(name: string, environment?: Readonly<Record<string, string>>): Promise<ActiveFault> {
    const nodes = this.#parts.nodes ?? [];
    const old = nodes.find((n) => n.declaration.name === name);
    if (!old) throw new UserError(`recreate ${name}: only a node run by a kind is recreated from its declaration; those nodes are: ${nodes.map((n) => n.declaration.name).join(", ") || "none"}`);
    await dockerClient()
      .getContainer(old.container.getId())
      .remove({ force: true })
      .catch(() => undefined);
    const container = await startNode(this.#parts.network, old, old.image, environment);
    // A kill or stop of the old container is over: its heal would restart a container that is gone.
    this.#faults.settle(name);
    this.#parts.nodes = nodes.map((n) => (n === old ? { ...old, container } : n));
    this.#nodes.set(name as NodeRole, container);
    return activeFault(`${name} recreated`, () => Promise.resolve(), name);
  }

  /** The faults still in force. */
  get activeFaults(): readonly ActiveFault[] {
    return this.#faults.active;
  }

  /**
   * Declares the faults on a role over without healing them: an operator who promoted the replica must not see
   * the old primary restarted as a second primary when the run is torn down.
   */
  settle(role: string): void {
    this.#faults.settle(assertRole(this.spec, role));
  }

  /** Writes every container's log to dir/<role>.log, for reports; returns the paths written. */
  async collectLogs(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const written = await Promise.all(
      [...this.#nodes.keys()].map(async (role) => {
        const path = join(dir, `${role}.log`);
        await writeFile(path, await this.logs(role).catch((e: unknown) => `(no log: ${e instanceof Error ? e.message : String(e)})\n`));
        return path;
      }),
    );
    return written;
  }

  /** A container's log (stdout and stderr), for reports. */
  async logs(role: string): Promise<string> {
    const buffer = await dockerClient()
      .getContainer(this.node(role).getId())
      .logs({ stdout: true, stderr: true, follow: false, timestamps: true });
    return demuxedText(buffer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#faults.healAll();
    await removeRunNetwork(this.#parts.network, [...this.#nodes.values()].map((c) => c.getId()));
  }
}
