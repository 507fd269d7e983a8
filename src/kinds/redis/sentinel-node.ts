import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { NodeAddress } from "../../cluster/address.js";
import { nodeOf } from "../../cluster/address.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { activeFault } from "../../cluster/fault-handle.js";
import { runLabels } from "../../cluster/labels.js";
import { RespPingWait } from "../../cluster/resp-wait.js";
import type { NodeKind } from "../../nodes/kind.js";
import { expect, isString, isStrings, knownKeys, orDefault } from "../../nodes/settings.js";
import { redisRole } from "./node.js";
import { withRedis } from "./sentinel.js";
import { catalogImage } from "../../images/catalog-image.js";

export interface SentinelSettings {
  /** The name it monitors the master under (what clients ask for). */
  readonly master: string;
  /** The node that is master when the stack starts. */
  readonly monitors: string;
  /** The master's replicas when the stack starts: known from the start, not learnt from INFO 10 s later. */
  readonly replicas: readonly string[];
  /** The other Sentinels: known from the start, not learnt from their hellos. */
  readonly peers: readonly string[];
  readonly quorum: number;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  /**
   * A script Sentinel runs at each failover's end (`client-reconfig-script`), with `<master-name> <role> <state>
   * <from-ip> <from-port> <to-ip> <to-port>`: to tell what clients go through (a proxy, a virtual IP) where the
   * master is now. A path on the host (a config's own folder for a relative one), run from inside the Sentinel.
   */
  readonly clientReconfigScript?: string;
}

const KEYS = ["master", "monitors", "replicas", "peers", "quorum", "downAfterMs", "failoverTimeoutMs", "clientReconfigScript"] as const;
/** Where a Sentinel's client-reconfig-script is put in its container. */
const RECONFIG_SCRIPT = "/etc/brownout/client-reconfig.sh";
/** Sentinel's own defaults (sentinel.conf): what a stack that sets none of them runs. */
export const SENTINEL_DEFAULTS = { quorum: 2, downAfterMs: 30_000, failoverTimeoutMs: 180_000 } as const;

const isPositive = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isScriptFile = (v: unknown): v is string => typeof v === "string" && isAbsolute(v) && existsSync(v);

/** A Sentinel's fixed ID: its peers name it in their config before any of them has run. */
function sentinelId(name: string): string {
  return createHash("sha1").update(`brownout ${name}`).digest("hex");
}

/**
 * Each Sentinel is told the whole set-up in its config: the master, its replicas and its peers (by name and fixed
 * ID). Left to discover them, a Sentinel learns a replica from the master's INFO (every 10 s) and its peers from
 * their hello messages (every 2 s), so a new stack would not have a usable quorum for seconds. Sentinel 7 accepts
 * a name that does not resolve yet (a peer whose container is still starting) and resolves it again at each
 * reconnect.
 */
export function sentinelConf(name: string, s: SentinelSettings): string {
  // resolve-hostnames must come before the monitor line that names a host.
  return [
    `port ${PORTS.sentinel}`,
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames yes",
    `sentinel announce-ip ${name}`,
    `sentinel myid ${sentinelId(name)}`,
    `sentinel monitor ${s.master} ${s.monitors} ${PORTS.redis} ${String(s.quorum)}`,
    `sentinel down-after-milliseconds ${s.master} ${String(s.downAfterMs)}`,
    `sentinel failover-timeout ${s.master} ${String(s.failoverTimeoutMs)}`,
    `sentinel parallel-syncs ${s.master} 1`,
    ...(s.clientReconfigScript ? [`sentinel client-reconfig-script ${s.master} ${RECONFIG_SCRIPT}`] : []),
    ...s.replicas.map((r) => `sentinel known-replica ${s.master} ${r} ${PORTS.redis}`),
    ...s.peers.map((peer) => `sentinel known-sentinel ${s.master} ${peer} ${PORTS.sentinel} ${sentinelId(peer)}`),
  ].join("\n");
}

/** A Sentinel's own view of the master it watches: what a positive control compares with the configured timings. */
export interface SentinelView {
  readonly sentinel: string;
  readonly master: string;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly quorum: number;
  readonly replicas: number;
  readonly otherSentinels: number;
}

/** SENTINEL MASTER as a map of its fields. */
async function masterFields(address: NodeAddress, master: string): Promise<Map<string, string>> {
  const flat = (await withRedis(nodeOf(address), PORTS.sentinel, (r) => r.call("SENTINEL", "MASTER", master))) as string[];
  const m = new Map<string, string>();
  for (let k = 0; k + 1 < flat.length; k += 2) m.set(String(flat[k]), String(flat[k + 1]));
  return m;
}

/** The master a Sentinel names now (GET-MASTER-ADDR-BY-NAME), or why it could not say. */
export function sentinelMaster(address: NodeAddress, master: string): Promise<string> {
  return withRedis(nodeOf(address), PORTS.sentinel, async (r) => {
    const addr = (await r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", master)) as string[] | null;
    return addr?.[0] ?? "none";
  }).catch((e: unknown) => `unreachable (${e instanceof Error ? e.message : String(e)})`);
}

/** What one Sentinel says: its flags for its master, CKQUORUM's answer, the replicas it knows ("name flags"), the master it names. */
export interface SentinelSays {
  readonly flags: string;
  readonly quorum: string;
  readonly known: readonly string[];
  readonly master: string;
}

/** What is off with one Sentinel, by what it says: its master flagged down, too few usable peers, a replica unknown or flagged. */
export function sentinelProblemsOf(name: string, says: SentinelSays, s: SentinelSettings): string[] {
  const problems: string[] = [];
  // A Sentinel that still thinks the master down may yet fail it over: not steady until it sees it up.
  if (/s_down|o_down|failover|unreachable/.test(says.flags)) problems.push(`${name} flags the master ${says.flags}`);
  // CKQUORUM says OK as soon as a quorum is reachable; until every Sentinel has discovered the others, one more
  // failure could lose it, so fewer usable Sentinels than configured is not steady.
  const usable = /^OK (\d+) usable/.exec(says.quorum)?.[1];
  const all = s.peers.length + 1;
  if (usable === undefined) problems.push(`${name}: Sentinel quorum: ${says.quorum}`);
  else if (Number(usable) !== all) problems.push(`${name}: only ${usable} of ${String(all)} Sentinels are usable`);
  // Every node of the group but the master it names must be known to it as a plain replica: a failover would
  // otherwise find none to promote (Sentinel learns them from the master's INFO, every 10 s).
  for (const node of [s.monitors, ...s.replicas].filter((n) => n !== says.master)) {
    const seen = says.known.find((k) => k.startsWith(`${node} `));
    if (!seen) problems.push(`${name} does not know replica ${node} yet`);
    else if (seen !== `${node} slave`) problems.push(`${name} sees ${seen}`);
  }
  return problems;
}

/** What one Sentinel says now, asked over its port. */
async function sentinelSays(address: NodeAddress, s: SentinelSettings): Promise<SentinelSays> {
  const flags = await masterFields(address, s.master).then(
    (m) => m.get("flags") ?? "?",
    () => "unreachable",
  );
  const quorum = await withRedis(nodeOf(address), PORTS.sentinel, async (r) => String(await r.call("SENTINEL", "CKQUORUM", s.master))).catch((e: unknown) =>
    e instanceof Error ? e.message : String(e),
  );
  const known = await withRedis(nodeOf(address), PORTS.sentinel, async (r) => {
    const replicas = (await r.call("SENTINEL", "REPLICAS", s.master)) as string[][];
    return replicas.map((flat) => {
      const field = (key: string) => flat[flat.indexOf(key) + 1] ?? "?";
      // Not its master-link-status: Sentinel refreshes that every 10 s; the node's own INFO (the redis kind) is current.
      return `${field("ip")} ${field("flags")}`;
    });
  }).catch(() => [] as string[]);
  return { flags, quorum, known, master: await sentinelMaster(address, s.master) };
}

/** What is off across the Sentinels: they name different masters, or the one they name does not call itself master. */
export function sentinelAgreementProblems(masters: readonly string[], namedRole: string | undefined): string[] {
  if (new Set(masters).size !== 1) return [`Sentinels disagree on the master: ${masters.join(", ")}`];
  const [named] = masters;
  if (named === undefined || named.startsWith("unreachable")) return [];
  if (namedRole === undefined) return [`Sentinels name ${named}, which is no node of the stack`];
  // A returned old master still calling itself one is a split, whatever the Sentinels say.
  return namedRole === "master" ? [] : [`Sentinel reports ${named} as master, but it is ${namedRole}`];
}

/**
 * Redis Sentinel (Debian's redis-sentinel) watching one master under a name, told its replicas and peers up front.
 * verify() wants each Sentinel to see its master up, every peer usable and every replica linked, and all of them
 * to name the same master, which must call itself master. Its operation `failover` is SENTINEL FAILOVER (an
 * operator's step: nothing to heal, the new master stays). Each Sentinel's view of its master is read back.
 */
export const SENTINEL: NodeKind<SentinelSettings> = {
  name: "sentinel",
  summary: "Redis Sentinel watching one master with its replicas and peers; verify() wants them agreed on a live master; operation failover",
  relativeTo(raw, dir) {
    if (typeof raw !== "object" || raw === null) return raw;
    const script = (raw as { clientReconfigScript?: unknown }).clientReconfigScript;
    return typeof script === "string" && script !== "" && !isAbsolute(script) ? { ...raw, clientReconfigScript: resolve(dir, script) } : raw;
  },
  settings(node) {
    const raw = knownKeys(node.name, "sentinel", node.settings, KEYS);
    const n = node.name;
    return {
      master: orDefault(n, raw, "master", "brownout", isString, "a name"),
      monitors: expect(n, "monitors", raw.monitors, isString, "the master node's name"),
      replicas: orDefault<readonly string[]>(n, raw, "replicas", [], isStrings, "node names"),
      peers: orDefault<readonly string[]>(n, raw, "peers", [], isStrings, "the other Sentinels' names"),
      quorum: orDefault(n, raw, "quorum", SENTINEL_DEFAULTS.quorum, isPositive, "a count"),
      downAfterMs: orDefault(n, raw, "downAfterMs", SENTINEL_DEFAULTS.downAfterMs, isPositive, "ms"),
      failoverTimeoutMs: orDefault(n, raw, "failoverTimeoutMs", SENTINEL_DEFAULTS.failoverTimeoutMs, isPositive, "ms"),
      ...(raw.clientReconfigScript === undefined ? {} : { clientReconfigScript: expect(n, "clientReconfigScript", raw.clientReconfigScript, isScriptFile, "the path of an existing script file") }),
    };
  },
  prepare: () => catalogImage("redis"),
  ports: () => [PORTS.sentinel],
  container(node, s, image) {
    // Ahead of anything still queued: nothing else waits on them, but the stack does.
    return nodeContainer("redis", { startRank: 0, ...(image ? { image } : {}) })
      .withLabels(runLabels(node.name))
      .withExposedPorts(PORTS.sentinel)
      .withCopyContentToContainer([{ content: `${sentinelConf(node.name, s)}\n`, target: "/etc/brownout/sentinel.conf" }])
      .withCopyFilesToContainer(s.clientReconfigScript ? [{ source: s.clientReconfigScript, target: RECONFIG_SCRIPT, mode: 0o755 }] : [])
      .withCommand(["redis-sentinel", "/etc/brownout/sentinel.conf"])
      .withWaitStrategy(new RespPingWait(PORTS.sentinel));
  },
  problems: async (node, s) => sentinelProblemsOf(node.name, await sentinelSays(node.address, s), s),
  async readBack(node, s): Promise<SentinelView> {
    const m = await masterFields(node.address, s.master);
    return {
      sentinel: node.name,
      master: m.get("ip") ?? "?",
      downAfterMs: Number(m.get("down-after-milliseconds")),
      failoverTimeoutMs: Number(m.get("failover-timeout")),
      quorum: Number(m.get("quorum")),
      replicas: Number(m.get("num-slaves")),
      otherSentinels: Number(m.get("num-other-sentinels")),
    };
  },
  operations: {
    async failover(node, s) {
      await withRedis(node.container, PORTS.sentinel, (r) => r.call("SENTINEL", "FAILOVER", s.master));
      return activeFault(`SENTINEL FAILOVER ${s.master} on ${node.name}`, () => Promise.resolve());
    },
  },
  together: {
    async problems(nodes, stack) {
      const masters = await Promise.all(nodes.map((n) => sentinelMaster(n.address, n.settings.master)));
      const address = masters.length > 0 && new Set(masters).size === 1 && masters[0] !== undefined ? stack.address(masters[0]) : undefined;
      return sentinelAgreementProblems(masters, address ? (await redisRole(address)).role : undefined);
    },
  },
};
