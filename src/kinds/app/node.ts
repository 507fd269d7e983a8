import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { UserError } from "../../errors.js";
import { dockerClient } from "../../images/engine.js";
import { ensureImages } from "../../images/ensure-images.js";
import type { Role } from "../../images/catalog.js";
import { imageTag } from "../../images/recipe-hash.js";
import type { NodeKind } from "../../nodes/kind.js";
import { siteProblems } from "./facts.js";
import { appHealthAt } from "./sites.js";

export interface AppSiteSettings {
  /** The site it serves as (`gra`, `sbg`): in its answers, its sessions' cookies, its Toxiproxy links. */
  readonly site: string;
  /** Its whole environment: where its dependencies are (through the site's links), its timings, its policies. */
  readonly environment: Readonly<Record<string, string>>;
  /** A stack's own app, as an image recipe Brownout builds (the built-in app's image when absent). */
  readonly image?: Role;
}

/**
 * An app site: Brownout's meeting app, or a stack's own app built from its recipe, with the fixed contract (its
 * site, port 8080, GET /health 200 when it can serve). Its start waits for /health; verify() wants each of its
 * dependencies up; its environment is read back from the running container for the app-settings control.
 */
export const APP: NodeKind<AppSiteSettings> = {
  name: "app",
  summary: "an app site (Brownout's meeting app, or a stack's own from its recipe) on 8080; verify() wants /health 200 with every dependency up",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<AppSiteSettings>;
    const env = s.environment;
    if (typeof s.site !== "string" || !env || typeof env !== "object" || !Object.values(env).every((v) => typeof v === "string")) {
      throw new UserError(`node '${node.name}' (app): settings are { site, environment, image? } (the site's name, its environment as strings, a stack app's image recipe)`);
    }
    return { site: s.site, environment: env, ...(s.image === undefined ? {} : { image: s.image }) };
  },
  async prepare(_node, s) {
    if (s.image === undefined) return { image: imageTag("app") };
    await ensureImages({ roles: [s.image] });
    return { image: imageTag(s.image) };
  },
  ports: () => [PORTS.app],
  container(node, s, image) {
    return nodeContainer("app", { image }).withLabels(runLabels(node.name)).withEnvironment({ ...s.environment });
  },
  async problems(node) {
    return siteProblems(node.name, await appHealthAt(`http://${node.address.host}:${String(node.address.ports[PORTS.app])}`));
  },
  async readBack(node) {
    const info = (await dockerClient().getContainer(node.address.id).inspect()) as { Config?: { Env?: string[] } };
    const env = (info.Config?.Env ?? []).filter((e) => e.startsWith("APP_")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const);
    return Object.fromEntries(env);
  },
};
