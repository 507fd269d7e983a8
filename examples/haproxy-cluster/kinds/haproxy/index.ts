// haproxy-web and haproxy-db of seed 000: the generic node of the compose service, plus the dashboard's runtime
// actions on the admin socket (set a server ready, drain or maint; the session mode read at the next start) and
// what its stats page says of its servers (verify(): every server UP, or the stack is not steady).
import { activeFault, type ActiveFault, kindOnGeneric, type NodeAddress } from "brownout";
import { type OperatedNode, writeSessionMode } from "../session-mode.js";

export interface HaproxySettings {
  /** The stats page's port (`listen stats`, uri /stats). */
  readonly statsPort: number;
}

export const SERVER_STATES = ["ready", "drain", "maint"] as const;
export type ServerState = (typeof SERVER_STATES)[number];

/** Each server's status on the stats page ("web/web1" → "UP", "DRAIN", "MAINT", "DOWN", ...). */
export async function serverStatuses(host: string, statsPort: number, signal?: AbortSignal): Promise<Map<string, string>> {
  const r = await fetch(`http://${host}:${String(statsPort)}/stats;csv`, { signal: signal ?? AbortSignal.timeout(2000) });
  if (!r.ok) throw new Error(`stats page answered ${String(r.status)}`);
  const out = new Map<string, string>();
  for (const line of (await r.text()).split("\n")) {
    const [backend, server, ...rest] = line.split(",");
    if (!backend || !server || backend.startsWith("#") || server === "FRONTEND" || server === "BACKEND" || backend === "stats") continue;
    // The 18th field is the status.
    out.set(`${backend}/${server}`, rest[15] ?? "?");
  }
  return out;
}

async function runtime(node: OperatedNode, command: string): Promise<void> {
  const r = await node.container.exec(["sh", "-c", `echo '${command}' | socat stdio /run/haproxy/admin.sock`]);
  const said = r.output.trim();
  if (r.exitCode !== 0 || said !== "") throw new Error(`${node.name}: '${command}' answered: ${said || `exit ${String(r.exitCode)}`}`);
}

async function setState(node: OperatedNode, args: Readonly<Record<string, unknown>>): Promise<ActiveFault> {
  const { server, state } = args;
  if (typeof server !== "string" || !server.includes("/")) throw new Error(`set-state on ${node.name}: server must be "backend/server", not ${JSON.stringify(server)}`);
  if (typeof state !== "string" || !(SERVER_STATES as readonly string[]).includes(state)) throw new Error(`set-state on ${node.name}: state must be one of ${SERVER_STATES.join(", ")}, not ${JSON.stringify(state)}`);
  await runtime(node, `set server ${server} state ${state}`);
  return activeFault(`${server} ${state} on ${node.name}`, () => runtime(node, `set server ${server} state ready`), node.name);
}

export const haproxyKind = kindOnGeneric<HaproxySettings>({
  name: "haproxy",
  summary: "an HAProxy of seed 000: runtime actions on its admin socket, its servers' states read back from its stats page",
  ownKeys: ["statsPort"],
  own(raw, node) {
    if (!Number.isInteger(raw.statsPort)) throw new Error(`node '${node}' (haproxy): statsPort must be the stats page's port, not ${JSON.stringify(raw.statsPort)}`);
    return { statsPort: raw.statsPort as number };
  },
  generic: (raw, own) => ({ ...raw, ports: [...new Set([...((raw.ports as number[] | undefined) ?? []), own.statsPort])] }),
  operations: {
    "set-state": (node, _s, args) => setState(node, args),
    "session-mode": (node, _s, args) => writeSessionMode(node, args),
  },
  async problems(node: { readonly name: string; readonly address: NodeAddress }, s) {
    try {
      const statuses = await serverStatuses(node.address.host, node.address.ports[s.own.statsPort] ?? s.own.statsPort);
      return [...statuses].filter(([, st]) => st !== "UP" && st !== "no check").map(([srv, st]) => `${node.name}: ${srv} is ${st}`);
    } catch (e) {
      return [`${node.name}'s stats page did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});
