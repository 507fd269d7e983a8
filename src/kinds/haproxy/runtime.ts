import { connect } from "node:net";
import type { StartedTestContainer } from "testcontainers";
import { type ActiveFault, activeFault } from "../../cluster/fault-handle.js";
import { PORTS } from "../../cluster/containers.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../../cluster/topology.js";
import { until } from "../../cluster/until.js";
import { UserError } from "../../errors.js";
import type { ServerChange } from "../../faults/spec.js";
import { dockerClient } from "../../images/engine.js";

export type { ServerChange };

/** HAProxy's frontends, by the port they listen on inside the run network. */
export const HAPROXY_PORTS = { "pg-write": 5432, "pg-read": 5433, mysql: 3306, web: 8080 } as const;
export type HaproxyFrontend = keyof typeof HAPROXY_PORTS;

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
export const CONFIG_PATH = "/usr/local/etc/haproxy/haproxy.cfg";

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

/** The stack's HAProxy (the node named haproxy), through its runtime API. */
export function haproxyOf(topology: { node(name: string): StartedTestContainer }): HaproxyNode {
  return new HaproxyNode(topology.node("haproxy"));
}
