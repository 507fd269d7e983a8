import { readFileSync } from "node:fs";
import { connect } from "node:net";
import type { StartedTestContainer } from "testcontainers";
import { nodeOf } from "../../cluster/address.js";
import type { NodeKind } from "../../nodes/kind.js";
import { readContainerFile } from "../../nodes/read.js";
import { readHaproxyView } from "./mechanism.js";
import { haproxyProblems } from "./steady.js";
import { UserError } from "../../errors.js";
import { dockerClient } from "../../images/engine.js";
import { until } from "../../cluster/until.js";
import { render, templateFile } from "../../cluster/templates.js";

export { render };
import { type ActiveFault, activeFault } from "../../cluster/fault-handle.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { type ConfigPatch, FACTS_QUERY_TIMEOUT_MS, type TopologySpec, applyPatches } from "../../cluster/topology.js";

/** HAProxy's frontends, by the port they listen on inside the run network. */
export const HAPROXY_PORTS = { "pg-write": 5432, "pg-read": 5433, mysql: 3306, web: 8080 } as const;
export type HaproxyFrontend = keyof typeof HAPROXY_PORTS;


export function renderHaproxyConfig(spec: TopologySpec): string {
  const t = spec.timings.haproxy;
  const vars = { interMs: t.interMs, downInterMs: t.downInterMs, fall: t.fall, rise: t.rise, checkTimeoutMs: t.checkTimeoutMs };
  const sections = ["global", ...spec.slices.filter((s) => s !== "redis")];
  return applyPatches(sections.map((s) => render(readFileSync(templateFile("haproxy", `${s}.cfg`, spec.files.haproxyDir), "utf8"), vars)).join(""), spec.patches, "haproxy");
}

export interface ServerState {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, DRAIN, "UP 1/2" (going down), "DOWN 1/2" (coming up), ... */
  readonly status: string;
  /** How many times its checks took it from UP to DOWN since HAProxy started (`chkdown`): flaps are counted here. */
  readonly downTransitions: number;
}

export function parseStats(csv: string): ServerState[] {
  const [header, ...rows] = csv.trim().split("\n");
  const cols = (header ?? "").replace(/^# /, "").split(",");
  const at = (name: string) => cols.indexOf(name);
  return rows
    .map((line) => line.split(","))
    .filter((f) => f[at("svname")] !== "FRONTEND" && f[at("svname")] !== "BACKEND")
    .map((f) => ({ backend: f[at("pxname")] ?? "", server: f[at("svname")] ?? "", status: f[at("status")] ?? "", downTransitions: Number(f[at("chkdown")] ?? 0) || 0 }));
}

import type { ServerChange } from "../../faults/spec.js";
import { catalogImage } from "../../images/catalog-image.js";

export type { ServerChange };

/** A running HAProxy, through its runtime API and its frontends' ports on the host. */
export class HaproxyNode {
  readonly container: StartedTestContainer;

  constructor(container: StartedTestContainer) {
    this.container = container;
  }

  /** Where the host reaches a frontend. */
  endpoint(frontend: HaproxyFrontend): { host: string; port: number } {
    return { host: this.container.getHost(), port: this.container.getMappedPort(HAPROXY_PORTS[frontend]) };
  }

  /** One runtime API command over TCP; HAProxy answers and closes in non-interactive mode. */
  runtime(command: string, timeoutMs = FACTS_QUERY_TIMEOUT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.container.getMappedPort(PORTS.haproxyRuntime), this.container.getHost());
      const chunks: Buffer[] = [];
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`HAProxy runtime API: no answer to '${command}' within ${String(timeoutMs)} ms`)));
      socket.on("data", (d: Buffer) => chunks.push(d));
      socket.once("error", reject);
      socket.once("close", () => {
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      socket.write(`${command}\n`);
    });
  }

  async serverStates(): Promise<ServerState[]> {
    return parseStats(await this.runtime("show stat"));
  }

  async status(backend: string, server: string): Promise<string> {
    return (await this.serverStates()).find((s) => s.backend === backend && s.server === server)?.status ?? "absent";
  }

  /**
   * Operator action through the runtime API: a server's admin state, or its address. The heal puts back what
   * was there before.
   */
  async setServer(backend: string, server: string, change: ServerChange): Promise<ActiveFault> {
    const states = await this.serverStates();
    if (!states.some((s) => s.backend === backend && s.server === server)) {
      const known = states.map((s) => `${s.backend}/${s.server}`).join(", ");
      throw new UserError(`HAProxy has no server ${backend}/${server}; servers are: ${known}`);
    }
    const id = `${backend}/${server}`;
    const run = async (cmd: string) => {
      const answer = (await this.runtime(cmd)).trim();
      // Successful state changes answer nothing; address changes answer "IP changed from ...".
      if (answer && !/changed from|no need to change/i.test(answer)) throw new Error(`HAProxy '${cmd}': ${answer}`);
    };
    if ("state" in change) {
      await run(`set server ${id} state ${change.state}`);
      return activeFault(`haproxy ${id} state ${change.state}`, () => run(`set server ${id} state ready`));
    }
    const before = (await this.runtime(`show servers state ${backend}`)).split("\n").find((l) => l.split(" ")[3] === server)?.split(" ");
    const [oldAddr, oldPort] = [before?.[4], before?.[18]];
    await run(`set server ${id} addr ${change.addr}${change.port ? ` port ${String(change.port)}` : ""}`);
    return activeFault(`haproxy ${id} addr ${change.addr}`, async () => {
      if (oldAddr) await run(`set server ${id} addr ${oldAddr}${oldPort && oldPort !== "0" ? ` port ${oldPort}` : ""}`);
    });
  }
}

/** Where the image reads its config. */
const CONFIG_PATH = "/usr/local/etc/haproxy/haproxy.cfg";

/**
 * `systemctl reload haproxy`, as an operator does after editing haproxy.cfg: the new config is written in place
 * and the master process (HAProxy runs `-W`, master-worker) is sent SIGUSR2, which starts a worker on it while
 * the old one finishes its connections. The container, its address and its ports stay. Resolves once the new
 * worker answers the runtime API; a config HAProxy refuses keeps the old worker, and is an error here.
 */
export async function reloadHaproxy(node: HaproxyNode, config: string): Promise<void> {
  const pidOf = async () => /^Pid: (\d+)$/m.exec(await node.runtime("show info"))?.[1];
  const before = await pidOf();
  await node.container.copyContentToContainer([{ content: config, target: CONFIG_PATH }]);
  await dockerClient().getContainer(node.container.getId()).kill({ signal: "SIGUSR2" });
  await until("HAProxy's new worker on the edited config", 10_000, async () => {
    const pid = await pidOf().catch(() => undefined);
    return pid !== undefined && pid !== before ? true : undefined;
  }, 50);
}

/** The frontends' ports a spec's HAProxy publishes: pg-write and pg-read with the postgres slice, mysql with mysql. */
export function frontendsOf(spec: TopologySpec): number[] {
  return Object.entries(HAPROXY_PORTS)
    .filter(([name]) => (name.startsWith("pg-") ? spec.slices.includes("postgres") : name === "mysql" ? spec.slices.includes("mysql") : false))
    .map(([, port]) => port);
}

/** The stack's HAProxy (the node named haproxy), through its runtime API. */
export function haproxyOf(topology: { node(name: string): StartedTestContainer }): HaproxyNode {
  return new HaproxyNode(topology.node("haproxy"));
}

export interface HaproxySettings {
  /** The haproxy.cfg it runs, rendered (the templates of the spec's slices, the timings, a mutant's patches). */
  readonly config: string;
  /** The frontends' ports it publishes on the host (beside its stats page and runtime API). */
  readonly frontends: readonly number[];
  /** Each server's state in steady state (`pg-write/pg-replica` → `DOWN`: a standby fails /primary by design). */
  readonly steady: Readonly<Record<string, string>>;
}

/**
 * HAProxy (Debian's package) in front of the database slices and the sites: its config given whole. verify()
 * reads every server's state from its runtime API against the steady ones; its check settings and running config
 * are read back; an operator's runtime actions (a server's state or address) and an edit of haproxy.cfg followed
 * by a reload are its operations.
 */
export const HAPROXY: NodeKind<HaproxySettings> = {
  name: "haproxy",
  summary: "HAProxy with its haproxy.cfg given whole; verify() wants each server in its steady state; operations set-server and edit (a reload)",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<HaproxySettings>;
    if (typeof s.config !== "string" || !Array.isArray(s.frontends) || !s.frontends.every((p) => Number.isInteger(p)) || typeof s.steady !== "object") {
      throw new UserError(`node '${node.name}' (haproxy): settings are { config, frontends, steady } (haproxy.cfg's text, the frontends' ports, each backend/server's steady state)`);
    }
    return { config: s.config, frontends: s.frontends, steady: s.steady };
  },
  prepare: () => catalogImage("haproxy"),
  ports: (s) => [PORTS.haproxyStats, PORTS.haproxyRuntime, ...s.frontends],
  container(node, s, image) {
    return nodeContainer("haproxy", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withExposedPorts(PORTS.haproxyStats, PORTS.haproxyRuntime, ...s.frontends)
      .withCopyContentToContainer([{ content: s.config, target: CONFIG_PATH }]);
  },
  async problems(node, s) {
    try {
      return haproxyProblems(await new HaproxyNode(nodeOf(node.address)).serverStates(), s.steady);
    } catch (e) {
      return [`HAProxy runtime API: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
  readBack: (node) => readHaproxyView(new HaproxyNode(nodeOf(node.address))),
  operations: {
    /** An operator's runtime action (`{ backend, server, change }`): a server's state or address; the heal puts it back. */
    "set-server"(node, _s, args) {
      const { backend, server, change } = args as { backend?: unknown; server?: unknown; change?: ServerChange };
      if (typeof backend !== "string" || typeof server !== "string" || !change) throw new UserError(`set-server on ${node.name}: arguments are { backend, server, change: { state } or { addr, port? } }`);
      return new HaproxyNode(node.container).setServer(backend, server, change);
    },
    /**
     * An operator's edit of haproxy.cfg (`{ edits }`: find and replace, on the config it runs now), then a reload in
     * place. The edit stays: the reloaded config is the new steady state.
     */
    async edit(node, _s, args) {
      if (!Array.isArray(args.edits) || args.edits.length === 0) throw new UserError(`edit on ${node.name}: arguments are { edits: [{ find, replace }] }`);
      const edits = (args.edits as readonly ConfigPatch[]).map((e): ConfigPatch => ({ ...e, file: "haproxy" }));
      const running = await readContainerFile(node.container, CONFIG_PATH);
      await reloadHaproxy(new HaproxyNode(node.container), applyPatches(running, edits, "haproxy"));
      return activeFault(`haproxy.cfg edited (${String(edits.length)} change(s)), reloaded`, () => Promise.resolve());
    },
  },
};
