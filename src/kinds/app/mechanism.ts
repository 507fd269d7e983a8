import { dockerClient } from "../../images/engine.js";
import { SITES, type Site } from "../../cluster/topology.js";
import type { AppSites } from "./sites.js";

/** Each site's APP_* environment as its running container has it. */
export async function appEnvironments(apps: AppSites): Promise<Record<Site, Record<string, string>>> {
  const one = async (site: Site) => {
    const info = (await dockerClient().getContainer(apps[site].getId()).inspect()) as { Config?: { Env?: string[] } };
    const env = (info.Config?.Env ?? []).filter((e) => e.startsWith("APP_")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const);
    return Object.fromEntries(env);
  };
  const [gra, sbg] = await Promise.all(SITES.map(one));
  return { gra: gra ?? {}, sbg: sbg ?? {} };
}

