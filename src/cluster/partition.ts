import { LABEL_TESTCONTAINERS_SESSION_ID, type StartedTestContainer, getContainerRuntimeClient, getReaper } from "testcontainers";
import { runLabels } from "./labels.js";
import { dockerClient } from "../images/engine.js";
import { imageTag } from "../images/recipe-hash.js";
import { type ActiveFault, activeFault } from "./fault-handle.js";

export interface Endpoint {
  readonly name: string;
  readonly container: StartedTestContainer;
}

/** A TCP path from one side to the other that goes through a proxy (a Toxiproxy link), cut with the rest. */
export interface ProxiedPath {
  readonly from: string;
  readonly proxy: StartedTestContainer;
  readonly port: number;
}

async function addresses(container: StartedTestContainer): Promise<string[]> {
  const info = await dockerClient().getContainer(container.getId()).inspect();
  return Object.values(info.NetworkSettings.Networks)
    .map((n) => n.IPAddress)
    .filter(Boolean);
}

/**
 * Runs a shell script in a container's network namespace, from the nettools image with NET_ADMIN: the server
 * images need neither iptables nor the capability. Labelled with the run and Ryuk's session like every container.
 */
export async function inNetns(target: StartedTestContainer, script: string): Promise<void> {
  const docker = dockerClient();
  const reaper = await getReaper(await getContainerRuntimeClient());
  const sidecar = await docker.createContainer({
    Image: imageTag("nettools"),
    Cmd: [script],
    Labels: { ...runLabels("nettools"), [LABEL_TESTCONTAINERS_SESSION_ID]: reaper.sessionId },
    HostConfig: { NetworkMode: `container:${target.getId()}`, CapAdd: ["NET_ADMIN"] },
  });
  try {
    await sidecar.start();
    const { StatusCode } = (await sidecar.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const log = (await sidecar.logs({ stdout: true, stderr: true })).toString("utf8");
      throw new Error(`network fault script exited with ${String(StatusCode)}: ${log.trim()}`);
    }
  } finally {
    await sidecar.remove({ force: true });
  }
}

function rules(peerIps: readonly string[], paths: readonly { ip: string; port: number }[]): string[] {
  return [
    ...peerIps.flatMap((ip) => [`INPUT -s ${ip} -j DROP`, `OUTPUT -d ${ip} -j DROP`]),
    ...paths.flatMap((p) => [`OUTPUT -d ${p.ip} -p tcp --dport ${String(p.port)} -j DROP`, `INPUT -s ${p.ip} -p tcp --sport ${String(p.port)} -j DROP`]),
  ];
}

/**
 * A real network partition between two sides, each one node or several: every node of a side drops every packet
 * of the other side's nodes both ways (iptables in its own network namespace), and a node that reaches the other
 * side through a proxied path has that path cut too. Nodes on one side still reach each other, and anything on
 * neither side (the proxy itself, a client) still reaches both: how a split brain happens. Packets are dropped,
 * not rejected: open connections stall as on a real partition, and detection is left to the timeouts under test.
 * The heal deletes exactly these rules; a node restarted meanwhile has none left.
 */
export async function partition(sideA: readonly Endpoint[], sideB: readonly Endpoint[], paths: readonly ProxiedPath[] = []): Promise<ActiveFault> {
  const ipsOf = async (side: readonly Endpoint[]) => (await Promise.all(side.map((n) => addresses(n.container)))).flat();
  const [ipsA, ipsB] = await Promise.all([ipsOf(sideA), ipsOf(sideB)]);
  const pathsOf = async (node: string) =>
    Promise.all(
      paths
        .filter((p) => p.from === node)
        .map(async (p) => (await addresses(p.proxy)).map((ip) => ({ ip, port: p.port }))),
    ).then((x) => x.flat());
  const plan = await Promise.all([
    ...sideA.map(async (node) => ({ node, rules: rules(ipsB, await pathsOf(node.name)) })),
    ...sideB.map(async (node) => ({ node, rules: rules(ipsA, await pathsOf(node.name)) })),
  ]);
  await Promise.all(plan.map((p) => inNetns(p.node.container, p.rules.map((r) => `iptables -I ${r}`).join(" && "))));
  const name = (side: readonly Endpoint[]) => side.map((n) => n.name).join("+");
  return activeFault(`partition ${name(sideA)} | ${name(sideB)}`, async () => {
    await Promise.all(
      plan.map((p) => inNetns(p.node.container, p.rules.map((r) => `iptables -D ${r} 2>/dev/null`).join("; ").concat("; true"))),
    );
  });
}
