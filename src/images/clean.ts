import type Docker from "dockerode";
import { RUN_LABEL } from "../cluster/labels.js";
import { ROLES, isRole } from "./catalog.js";
import { imageTag } from "./recipe-hash.js";
import { ROOTFS_IMAGE } from "./rootfs.js";

export interface CleanOptions {
  /** Only this run's resources; every run's when absent. */
  readonly runId?: string;
  /** "stale": Brownout images whose tag is not the current recipe's; "all": every Brownout image. */
  readonly images?: "none" | "stale" | "all";
}

export interface CleanResult {
  readonly containers: number;
  readonly networks: number;
  readonly volumes: number;
  readonly images: number;
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** Removes what runs left behind: containers first (they hold networks and volumes), then networks, volumes, images. */
export async function clean(docker: Docker, options: CleanOptions = {}): Promise<CleanResult> {
  const label = options.runId ? `${RUN_LABEL}=${options.runId}` : RUN_LABEL;
  const filters = { label: [label] };

  let containers = 0;
  for (const c of await docker.listContainers({ all: true, filters })) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      containers++;
    } catch (error) {
      if (!isNotFound(error) && !/already in progress/.test(String(error))) throw error;
    }
  }
  let networks = 0;
  for (const n of await docker.listNetworks({ filters })) {
    try {
      await docker.getNetwork(n.Id).remove();
      networks++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  let volumes = 0;
  for (const v of (await docker.listVolumes({ filters })).Volumes) {
    try {
      await docker.getVolume(v.Name).remove();
      volumes++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const images = options.images && options.images !== "none" ? await removeImages(docker, options.images) : 0;
  return { containers, networks, volumes, images };
}

async function removeImages(docker: Docker, which: "stale" | "all"): Promise<number> {
  const current = new Set(ROLES.map(imageTag));
  let removed = 0;
  for (const image of await docker.listImages({ filters: { label: ["brownout.role"] } })) {
    const role = image.Labels["brownout.role"] ?? "";
    const tags = image.RepoTags ?? [];
    const stale = !isRole(role) || !tags.some((t) => current.has(t));
    if (which === "all" || stale) {
      try {
        await docker.getImage(image.Id).remove({ force: true });
        removed++;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
  if (which === "all") {
    try {
      await docker.getImage(ROOTFS_IMAGE).remove({ force: true });
      removed++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return removed;
}
