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
 * A real network partition between two nodes: each drops the other's packets both ways (iptables in its own
 * network namespace), and a side that reaches the other through a proxied path has that path cut too.
 * Packets are dropped, not rejected: open connections stall as on a real partition, and detection is left to
 * the timeouts under test. The heal deletes exactly these rules; a node restarted meanwhile has none left.
 */
export async function partition(a: Endpoint, b: Endpoint, paths: readonly ProxiedPath[] = []): Promise<ActiveFault> {
  const [ipsA, ipsB] = await Promise.all([addresses(a.container), addresses(b.container)]);
  const pathsOf = async (side: string) =>
    Promise.all(
      paths
        .filter((p) => p.from === side)
        .map(async (p) => (await addresses(p.proxy)).map((ip) => ({ ip, port: p.port }))),
    ).then((x) => x.flat());
  const plan = [
    { node: a, rules: rules(ipsB, await pathsOf(a.name)) },
    { node: b, rules: rules(ipsA, await pathsOf(b.name)) },
  ];
  await Promise.all(plan.map((p) => inNetns(p.node.container, p.rules.map((r) => `iptables -I ${r}`).join(" && "))));
  return activeFault(`partition ${a.name} | ${b.name}`, async () => {
    await Promise.all(
      plan.map((p) => inNetns(p.node.container, p.rules.map((r) => `iptables -D ${r} 2>/dev/null`).join("; ").concat("; true"))),
    );
  });
}
