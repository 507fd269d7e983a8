import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RUN_LABEL } from "../cluster/labels.js";
import { clean } from "./clean.js";
import { dockerClient } from "./engine.js";
import { imageTag } from "./recipe-hash.js";

const docker = dockerClient();

async function leftovers(run: string) {
  const filters = { label: [`${RUN_LABEL}=${run}`] };
  return {
    containers: (await docker.listContainers({ all: true, filters })).length,
    networks: (await docker.listNetworks({ filters })).length,
    volumes: (await docker.listVolumes({ filters })).Volumes.length,
  };
}

async function leaveBehind(run: string): Promise<void> {
  const Labels = { [RUN_LABEL]: run, "brownout.role": "leftover" };
  const volumeName = `brownout-test-${run}`;
  await docker.createVolume({ Name: volumeName, Labels });
  const network = await docker.createNetwork({ Name: `brownout-test-${run}`, Labels });
  const c = await docker.createContainer({
    Image: imageTag("base"),
    Cmd: ["sleep", "300"],
    Labels,
    HostConfig: { Binds: [`${volumeName}:/data`], NetworkMode: network.id },
  });
  await c.start();
}

describe("clean", () => {
  it("removes one run's containers, networks and volumes and leaves other runs alone", async () => {
    const old = `old-${randomUUID()}`;
    const other = `other-${randomUUID()}`;
    await leaveBehind(old);
    await leaveBehind(other);
    expect(await leftovers(old)).toEqual({ containers: 1, networks: 1, volumes: 1 });

    const result = await clean(docker, { runId: old });
    expect(result).toEqual({ containers: 1, networks: 1, volumes: 1, images: 0 });
    expect(await leftovers(old)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(await leftovers(other)).toEqual({ containers: 1, networks: 1, volumes: 1 });

    await clean(docker, { runId: other });
    expect(await leftovers(other)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
