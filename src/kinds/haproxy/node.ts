import { readFileSync } from "node:fs";
import { nodeOf } from "../../cluster/address.js";
import { activeFault } from "../../cluster/fault-handle.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { render, templateFile } from "../../cluster/templates.js";
import { type ConfigPatch, type TopologySpec, applyPatches } from "../../cluster/topology.js";
import { UserError } from "../../errors.js";
import { catalogImage } from "../../images/catalog-image.js";
import type { NodeKind } from "../../nodes/kind.js";
import { readContainerFile } from "../../nodes/read.js";
import { readHaproxyView } from "./mechanism.js";
import { CONFIG_PATH, HAPROXY_PORTS, HaproxyNode, reloadHaproxy, type ServerChange } from "./runtime.js";
import { haproxyProblems } from "./steady.js";

export { render };
export { CONFIG_PATH, HAPROXY_PORTS, type HaproxyFrontend, HaproxyNode, haproxyOf, parseStats, reloadHaproxy, type ServerChange, type ServerState } from "./runtime.js";

/** The spec's HAProxy config: the templates of its slices, with its check timings, and a mutant's patches. */
export function renderHaproxyConfig(spec: TopologySpec): string {
  const t = spec.timings.haproxy;
  const vars = { interMs: t.interMs, downInterMs: t.downInterMs, fall: t.fall, rise: t.rise, checkTimeoutMs: t.checkTimeoutMs };
  const sections = ["global", ...spec.slices.filter((s) => s !== "redis")];
  return applyPatches(sections.map((s) => render(readFileSync(templateFile("haproxy", `${s}.cfg`, spec.files.haproxyDir), "utf8"), vars)).join(""), spec.patches, "haproxy");
}

/** The frontends' ports a spec's HAProxy publishes: pg-write and pg-read with the postgres slice, mysql with mysql. */
export function frontendsOf(spec: TopologySpec): number[] {
  return Object.entries(HAPROXY_PORTS)
    .filter(([name]) => (name.startsWith("pg-") ? spec.slices.includes("postgres") : name === "mysql" ? spec.slices.includes("mysql") : false))
    .map(([, port]) => port);
}


export interface HaproxySettings {
  /** The haproxy.cfg it runs, rendered (the templates of the spec's slices, the timings, a mutant's patches). */
  readonly config: string;
  /** The frontends' ports it publishes on the host (beside its stats page and runtime API). */
  readonly frontends: readonly number[];
  /** Each server's state in steady state (`pg-write/pg-replica` → `DOWN`: a standby fails /primary by design). */
  readonly steady: Readonly<Record<string, string>>;
}

/**
 * HAProxy (Debian's package) in front of the database slices and the sites: its config given whole. verify()
 * reads every server's state from its runtime API against the steady ones; its check settings and running config
 * are read back; an operator's runtime actions (a server's state or address) and an edit of haproxy.cfg followed
 * by a reload are its operations.
 */
export const HAPROXY: NodeKind<HaproxySettings> = {
  name: "haproxy",
  summary: "HAProxy with its haproxy.cfg given whole; verify() wants each server in its steady state; operations set-server and edit (a reload)",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<HaproxySettings>;
    if (typeof s.config !== "string" || !Array.isArray(s.frontends) || !s.frontends.every((p) => Number.isInteger(p)) || typeof s.steady !== "object") {
      throw new UserError(`node '${node.name}' (haproxy): settings are { config, frontends, steady } (haproxy.cfg's text, the frontends' ports, each backend/server's steady state)`);
    }
    return { config: s.config, frontends: s.frontends, steady: s.steady };
  },
  prepare: () => catalogImage("haproxy"),
  ports: (s) => [PORTS.haproxyStats, PORTS.haproxyRuntime, ...s.frontends],
  container(node, s, image) {
    return nodeContainer("haproxy", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withExposedPorts(PORTS.haproxyStats, PORTS.haproxyRuntime, ...s.frontends)
      .withCopyContentToContainer([{ content: s.config, target: CONFIG_PATH }]);
  },
  async problems(node, s) {
    try {
      return haproxyProblems(await new HaproxyNode(nodeOf(node.address)).serverStates(), s.steady);
    } catch (e) {
      return [`HAProxy runtime API: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
  readBack: (node) => readHaproxyView(new HaproxyNode(nodeOf(node.address))),
  operations: {
    /** An operator's runtime action (`{ backend, server, change }`): a server's state or address; the heal puts it back. */
    "set-server"(node, _s, args) {
      const { backend, server, change } = args as { backend?: unknown; server?: unknown; change?: ServerChange };
      if (typeof backend !== "string" || typeof server !== "string" || !change) throw new UserError(`set-server on ${node.name}: arguments are { backend, server, change: { state } or { addr, port? } }`);
      return new HaproxyNode(node.container).setServer(backend, server, change);
    },
    /**
     * An operator's edit of haproxy.cfg (`{ edits }`: find and replace, on the config it runs now), then a reload in
     * place. The edit stays: the reloaded config is the new steady state.
     */
    async edit(node, _s, args) {
      if (!Array.isArray(args.edits) || args.edits.length === 0) throw new UserError(`edit on ${node.name}: arguments are { edits: [{ find, replace }] }`);
      const edits = (args.edits as readonly ConfigPatch[]).map((e): ConfigPatch => ({ ...e, file: "haproxy" }));
      const running = await readContainerFile(node.container, CONFIG_PATH);
      await reloadHaproxy(new HaproxyNode(node.container), applyPatches(running, edits, "haproxy"));
      return activeFault(`haproxy.cfg edited (${String(edits.length)} change(s)), reloaded`, () => Promise.resolve());
    },
  },
};
