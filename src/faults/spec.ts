import type { ConfigPatch, NodeRole } from "../cluster/topology.js";
import type { NemesisF } from "../workload/op.js";

export type ToxicStream = "upstream" | "downstream";

/** Toxiproxy's toxics with their units in the names; `down` disables the proxy (connections refused). */
export type ToxicSpec =
  | { readonly type: "latency"; readonly latencyMs: number; readonly jitterMs?: number; readonly stream?: ToxicStream }
  | { readonly type: "timeout"; readonly timeoutMs: number; readonly stream?: ToxicStream }
  | { readonly type: "reset_peer"; readonly timeoutMs: number; readonly stream?: ToxicStream }
  | { readonly type: "bandwidth"; readonly rateKBps: number; readonly stream?: ToxicStream }
  | { readonly type: "slow_close"; readonly delayMs: number; readonly stream?: ToxicStream }
  | { readonly type: "limit_data"; readonly bytes: number; readonly stream?: ToxicStream }
  | { readonly type: "down" };

/** An operator's change to one HAProxy server through its runtime API: its state, or its address. */
export type ServerChange = { readonly state: "ready" | "drain" | "maint" } | { readonly addr: string; readonly port?: number };

/** A node by the name the stack gives it (`pg-primary`, or a team's `web1`). */
export type NodeName = NodeRole | (string & {});

/**
 * A fault (or an operator's step) as data: what a scenario injects, what the journal and the dry run show, what
 * a schedule is made of. Every fault goes through one door, `StartedTopology.inject` (the fault methods are
 * shorthands for it), where a run's nemesis records it; every one has a heal (a no-op for the irreversible
 * operator steps, whose heal is the new steady state).
 */
export type FaultSpec =
  /** SIGKILL, `docker stop`, SIGSTOP (frozen), or a restart of a node's container; healed by starting, unpausing. */
  | { readonly kind: "kill" | "stop" | "pause" | "restart"; readonly role: NodeName }
  /**
   * Both directions between two sides cut (iptables in their nodes' network namespaces), links between them too;
   * a side is one role or several (a split brain: a master and the clients that still reach it, say).
   */
  | { readonly kind: "partition"; readonly between: readonly [PartitionSide, PartitionSide] }
  /**
   * A share of a node's packets dropped each way (netem where the kernel has it, else iptables' statistic match:
   * the run reports which); the node stays up, only lossy.
   */
  | { readonly kind: "loss"; readonly role: NodeName; readonly percent: number }
  /**
   * A node's declared volume filled to its last block (pg-primary's WAL volume, or one of a declared node's
   * tmpfs volumes, by its path); healed by freeing it.
   */
  | { readonly kind: "disk-full"; readonly role: NodeName; readonly volume?: string }
  /**
   * An operation of the node's kind, as data (`{ kind: "operation", node: "queue", op: "purge" }`): a declared
   * node's kind says which it has, with their arguments; recorded as an operator's step.
   */
  | { readonly kind: "operation"; readonly node: NodeName; readonly op: string; readonly args?: Readonly<Record<string, unknown>> }
  /** A Toxiproxy toxic on a link or a group of links (`app-redis`, `app-gra-deps`, ...). */
  | { readonly kind: "toxic"; readonly link: string; readonly toxic: ToxicSpec }
  /** A standby promoted by its kind's `promote` operation (pg_promote() for PostgreSQL): irreversible. */
  | { readonly kind: "promote"; readonly role: NodeName }
  /**
   * A node run by a kind, recreated by an operator from its declaration (its container removed if still there, a
   * new one started under its name): nothing to heal, the new node is the new steady state. `environment` is laid
   * over the declaration's for the new container only: what the operator's procedure gives it (a reinstall that
   * restores its configuration from a backup, say).
   */
  | { readonly kind: "recreate"; readonly node: NodeName; readonly environment?: Readonly<Record<string, string>> };

/** One side of a partition: a role, or roles that still reach each other. */
export type PartitionSide = NodeName | readonly NodeName[];

export type FaultKind = FaultSpec["kind"];

export const FAULT_KINDS = ["kill", "stop", "pause", "restart", "partition", "loss", "disk-full", "operation", "toxic", "promote", "recreate"] as const satisfies readonly FaultKind[];

/** `true` when FAULT_KINDS lists every kind of FaultSpec (a test holds it so: a kind added and not listed fails to compile). */
export type FaultKindsListed = Exclude<FaultKind, (typeof FAULT_KINDS)[number]> extends never ? true : Exclude<FaultKind, (typeof FAULT_KINDS)[number]>;

// Constructors, so a scenario reads as its runbook: inject(ctx, kill("pg-primary")).
export const kill = (role: NodeName): FaultSpec => ({ kind: "kill", role });
export const stop = (role: NodeName): FaultSpec => ({ kind: "stop", role });
export const pause = (role: NodeName): FaultSpec => ({ kind: "pause", role });
export const restart = (role: NodeName): FaultSpec => ({ kind: "restart", role });
export const partition = (a: PartitionSide, b: PartitionSide): FaultSpec => ({ kind: "partition", between: [a, b] });
export const loss = (role: NodeName, percent: number): FaultSpec => ({ kind: "loss", role, percent });
export const operation = (node: NodeName, op: string, args?: Readonly<Record<string, unknown>>): FaultSpec => ({ kind: "operation", node, op, ...(args === undefined ? {} : { args }) });
export const diskFull = (role: NodeName, volume?: string): FaultSpec => ({ kind: "disk-full", role, ...(volume === undefined ? {} : { volume }) });
export const toxic = (link: string, spec: ToxicSpec): FaultSpec => ({ kind: "toxic", link, toxic: spec });
export const promote = (role: NodeName): FaultSpec => ({ kind: "promote", role });
export const recreate = (node: NodeName, o: { environment?: Readonly<Record<string, string>> } = {}): FaultSpec => ({ kind: "recreate", node, ...(o.environment === undefined ? {} : { environment: o.environment }) });
/** A server's state or address through HAProxy's runtime API (the haproxy kind's `set-server`); healed back. */
export const setServer = (backend: string, server: string, change: ServerChange, haproxy: NodeName = "haproxy"): FaultSpec => operation(haproxy, "set-server", { backend, server, change });
/** SENTINEL FAILOVER asked of a Sentinel: its kind's operation, irreversible (the new master stays). */
export const sentinelFailover = (sentinel: NodeName = "sentinel-1"): FaultSpec => operation(sentinel, "failover");
/**
 * The operator edits haproxy.cfg and restarts HAProxy: reloaded in place on the edited config (the haproxy kind's
 * `edit`: the container and its address stay); with no edits, a new HAProxy from its saved config (after a kill).
 */
export const haproxyRestart = (edits: readonly ConfigPatch[] = [], haproxy: NodeName = "haproxy"): FaultSpec => (edits.length > 0 ? operation(haproxy, "edit", { edits }) : recreate(haproxy));

const sideName = (s: PartitionSide): string => (typeof s === "string" ? s : s.join("+"));

/** What a fault hits, as the journal and the timeline name it. */
export function faultTarget(f: FaultSpec): string {
  switch (f.kind) {
    case "kill":
    case "stop":
    case "pause":
    case "restart":
    case "promote":
    case "loss":
    case "disk-full":
      return f.role;
    case "partition":
      return f.between.map(sideName).join(", ");
    case "operation":
    case "recreate":
      return f.node;
    case "toxic":
      return f.link;
  }
}

/** A fault in one line, for the dry run and the journal. */
export function describeFault(f: FaultSpec): string {
  switch (f.kind) {
    case "kill":
      return `kill ${f.role} (SIGKILL)`;
    case "pause":
      return `pause ${f.role} (SIGSTOP)`;
    case "stop":
    case "restart":
      return `${f.kind} ${f.role}`;
    case "loss":
      return `${String(f.percent)} % packet loss on ${f.role}`;
    case "operation":
      return `${f.op} on ${f.node}${f.args === undefined ? "" : ` ${JSON.stringify(f.args)}`}`;
    case "disk-full":
      return `fill ${f.role}'s disk${f.volume === undefined ? "" : ` (${f.volume})`}`;
    case "partition":
      return `partition ${sideName(f.between[0])} from ${sideName(f.between[1])}`;
    case "toxic":
      return `toxic ${JSON.stringify(f.toxic)} on ${f.link}`;
    case "promote":
      return `promote ${f.role}`;
    case "recreate":
      return `recreate ${f.node} from its declaration${f.environment === undefined ? "" : ` with ${Object.entries(f.environment).map(([k, v]) => `${k}=${v}`).join(" ")}`}`;
  }
}

/** Who does it: a fault the scenario injects, or a step of an operator's runbook (irreversible ones included). */
export function faultPhase(f: FaultSpec): "fault" | "operator" {
  return f.kind === "promote" || f.kind === "recreate" || f.kind === "operation" ? "operator" : "fault";
}

/** The nemesis op a fault is recorded as in the history. */
export function nemesisF(f: FaultSpec): NemesisF {
  return f.kind;
}
