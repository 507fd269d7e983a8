import { randomBytes } from "node:crypto";
import { LABEL_TESTCONTAINERS_SESSION_ID, StartedNetwork, getContainerRuntimeClient, getReaper } from "testcontainers";
import { dockerClient } from "../images/engine.js";
import { runId, runLabels } from "./labels.js";

/**
 * The run's one Docker network. testcontainers' Network takes no labels, so it is made here, with the run's
 * labels and the reaper's session label (so Ryuk removes it after a killed run), and wrapped in testcontainers'
 * own StartedNetwork so containers join it the usual way.
 */
export async function startRunNetwork(id: string = runId()): Promise<StartedNetwork> {
  const client = await getContainerRuntimeClient();
  const reaper = await getReaper(client);
  const name = `brownout-${id}-${randomBytes(3).toString("hex")}`;
  const network = await client.network.create({
    Name: name,
    Driver: "bridge",
    CheckDuplicate: true,
    Labels: { ...runLabels("network", id), [LABEL_TESTCONTAINERS_SESSION_ID]: reaper.sessionId },
  });
  return new StartedNetwork(client, name, network);
}

/**
 * Removes a run's network with every container still attached to it, and the given ones (which may have left it).
 * One forced removal per container: it kills and removes in a single engine call, where stop-then-remove takes two;
 * a graceful shutdown buys nothing for servers that are about to be deleted.
 */
export async function removeRunNetwork(network: StartedNetwork, containerIds: readonly string[] = []): Promise<void> {
  const docker = dockerClient();
  const inspected = (await docker.getNetwork(network.getId()).inspect()) as { Containers?: Record<string, unknown> };
  const ids = new Set([...containerIds, ...Object.keys(inspected.Containers ?? {})]);
  await Promise.allSettled([...ids].map((id) => docker.getContainer(id).remove({ force: true, v: true })));
  await network.stop();
}
