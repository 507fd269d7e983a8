import { randomBytes } from "node:crypto";
import { LABEL_TESTCONTAINERS_SESSION_ID, StartedNetwork, getContainerRuntimeClient, getReaper } from "testcontainers";
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
