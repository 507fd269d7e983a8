import { activeFault, type ActiveFault } from "brownout";

/** What an operation is handed: the node's name and its running container (a command run in it). */
export interface OperatedNode {
  readonly name: string;
  readonly container: { exec(command: string[]): Promise<{ readonly output: string; readonly exitCode: number }> };
}

export type SessionMode = "sticky" | "db";
export const SESSION_MODES: readonly SessionMode[] = ["sticky", "db"];

/**
 * The dashboard's "mode de session" for one node: the file the web servers' router reads at each request and
 * haproxy-web's entrypoint at its next start. An operator's switch, not undone by a heal.
 */
export async function writeSessionMode(node: OperatedNode, args: Readonly<Record<string, unknown>>): Promise<ActiveFault> {
  const mode = args.mode;
  if (typeof mode !== "string" || !(SESSION_MODES as readonly string[]).includes(mode)) throw new Error(`session-mode on ${node.name}: mode must be one of ${SESSION_MODES.join(", ")}, not ${JSON.stringify(mode)}`);
  const r = await node.container.exec(["sh", "-c", `printf '%s\\n' '${mode}' > /etc/cluster/session_mode`]);
  if (r.exitCode !== 0) throw new Error(`session-mode on ${node.name}: ${r.output.trim()}`);
  return activeFault(`session mode ${mode} on ${node.name}`, () => Promise.resolve(), node.name);
}
