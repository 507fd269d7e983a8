import { existsSync } from "node:fs";
import { Socket } from "node:net";
import { createHash } from "node:crypto";
import { basename, isAbsolute, join, resolve } from "node:path";
import { type GenericContainer, Wait } from "testcontainers";
import { anyNodeContainer } from "../cluster/containers.js";
import { FACTS_QUERY_TIMEOUT_MS } from "../cluster/topology.js";
import { UserError } from "../errors.js";
import { registerStackRecipe } from "../images/catalog.js";
import { dockerClient } from "../images/engine.js";
import { ensureImages } from "../images/ensure-images.js";
import { imageTag } from "../images/recipe-hash.js";
import type { NodeAddress, NodeDeclaration, NodeKind } from "./kind.js";
import { expect, isPort, isString, isStringMap, isStrings, knownKeys } from "./settings.js";

/**
 * How a node says it serves: an HTTP status on a path, a TCP port that accepts, or a shell command that exits 0.
 * A TCP check sees a dead or cut node, not a frozen one: the kernel still accepts for a stopped process.
 */
export type Health =
  | { readonly http: { readonly path: string; readonly port: number; readonly status?: number } }
  | { readonly tcp: number }
  | { readonly command: string };

export interface GenericSettings {
  /** An image the engine has (none can be pulled here), or, instead, `build`. */
  readonly image?: string;
  /** A folder with a Dockerfile, built on Brownout's Debian base (offered as the build arg BASE_IMAGE). */
  readonly build?: { readonly context: string; readonly args?: Readonly<Record<string, string>> };
  readonly ports: readonly number[];
  readonly environment: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly health?: Health;
  /** Linux capabilities added (keepalived needs NET_ADMIN). */
  readonly capAdd: readonly string[];
  /** tmpfs mounts: path → options (`size=64m`). */
  readonly tmpfs: Readonly<Record<string, string>>;
  /** Bind mounts from the host (absolute source). */
  readonly volumes: readonly { readonly source: string; readonly target: string; readonly readOnly?: boolean }[];
}

export const GENERIC_KEYS = ["image", "build", "ports", "environment", "command", "entrypoint", "health", "capAdd", "tmpfs", "volumes"] as const;

function health(node: string, raw: unknown): Health | undefined {
  if (raw === undefined) return undefined;
  const h = knownKeys(node, "generic", raw, ["http", "tcp", "command"]);
  const given = Object.keys(h);
  if (given.length !== 1) throw new UserError(`node '${node}': health is one of http, tcp, command (got ${given.join(", ") || "none"})`);
  if (h.tcp !== undefined) return { tcp: expect(node, "health.tcp", h.tcp, isPort, "a port") };
  if (h.command !== undefined) return { command: expect(node, "health.command", h.command, isString, "a shell command line") };
  const http = knownKeys(node, "generic", h.http, ["path", "port", "status"]);
  return {
    http: {
      path: expect(node, "health.http.path", http.path, (v): v is string => typeof v === "string" && v.startsWith("/"), "a path starting with /"),
      port: expect(node, "health.http.port", http.port, isPort, "a port"),
      ...(http.status === undefined ? {} : { status: expect(node, "health.http.status", http.status, (v): v is number => Number.isInteger(v), "an HTTP status") }),
    },
  };
}

/** The port health is read on is published too. */
const healthPort = (h: Health | undefined): number[] => (h && "http" in h ? [h.http.port] : h && "tcp" in h ? [h.tcp] : []);

/** Whether a TCP port accepts a connection within the facts' timeout. */
function accepts(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (why: string | null) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(FACTS_QUERY_TIMEOUT_MS, () => { done(`no answer within ${String(FACTS_QUERY_TIMEOUT_MS)} ms`); });
    socket.once("error", (e) => { done(e.message); });
    socket.connect(port, host, () => { done(null); });
  });
}

/**
 * Runs a shell command in the container: its exit code, or why it could not run or did not finish within the
 * facts' timeout (a verify() look must end: a health command stuck on a frozen or slow server is an answer).
 */
async function execCode(id: string, command: string): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      resolve(`did not finish within ${String(FACTS_QUERY_TIMEOUT_MS)} ms`);
    }, FACTS_QUERY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([execOnce(id, command), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function execOnce(id: string, command: string): Promise<number | string> {
  try {
    const exec = await dockerClient().getContainer(id).exec({ Cmd: ["/bin/sh", "-c", command], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => { resolve(); });
      stream.resume();
    });
    return (await exec.inspect()).ExitCode ?? "no exit code";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A build's image name: its folder's name, and a digest of its path and arguments (two folders may share a name). */
function buildName(build: NonNullable<GenericSettings["build"]>): string {
  const folder = basename(build.context).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "build";
  const digest = createHash("sha256").update(JSON.stringify([build.context, build.args ?? {}])).digest("hex").slice(0, 8);
  return `node-${folder}-${digest}`;
}

/**
 * Any server a team runs: an image the engine has or a build context, its ports, environment, command,
 * capabilities and mounts, and how it says it serves (its wait at start, and verify()'s question after).
 */
export const GENERIC: NodeKind<GenericSettings> = {
  name: "generic",
  summary: "any image or build context: ports, environment, command, health by HTTP, TCP or a command, capabilities, tmpfs and bind mounts",
  relativeTo(raw, dir) {
    if (typeof raw !== "object" || raw === null) return raw;
    const s = raw as { build?: { context?: unknown }; volumes?: unknown };
    const abs = (p: unknown) => (typeof p === "string" && p !== "" && !isAbsolute(p) ? resolve(dir, p) : p);
    return {
      ...s,
      ...(typeof s.build === "object" && s.build !== null ? { build: { ...s.build, context: abs(s.build.context) } } : {}),
      ...(Array.isArray(s.volumes) ? { volumes: s.volumes.map((v: unknown) => (typeof v === "object" && v !== null ? { ...v, source: abs((v as { source?: unknown }).source) } : v)) } : {}),
    };
  },

  settings(node: NodeDeclaration): GenericSettings {
    const s = knownKeys(node.name, "generic", node.settings, GENERIC_KEYS);
    if ((s.image === undefined) === (s.build === undefined)) throw new UserError(`node '${node.name}': give it an image or a build context (one of them)`);
    const build = s.build === undefined ? undefined : knownKeys(node.name, "generic", s.build, ["context", "args"]);
    if (build) {
      const context = expect(node.name, "build.context", build.context, isString, "a folder");
      if (!isAbsolute(context) || !existsSync(join(context, "Dockerfile"))) throw new UserError(`node '${node.name}': build.context '${context}' must be an absolute folder with a Dockerfile`);
    }
    const volumes = expect(node.name, "volumes", s.volumes ?? [], (v): v is GenericSettings["volumes"][number][] => Array.isArray(v) && v.every((x) => typeof x === "object" && x !== null && isString((x as { source?: unknown }).source) && isString((x as { target?: unknown }).target)), "a list of { source, target, readOnly? }");
    for (const v of volumes) if (!isAbsolute(v.source)) throw new UserError(`node '${node.name}': a volume's source must be absolute, not '${v.source}'`);
    const h = health(node.name, s.health);
    return {
      ...(s.image === undefined ? {} : { image: expect(node.name, "image", s.image, isString, "an image name") }),
      ...(build ? { build: { context: build.context as string, ...(build.args === undefined ? {} : { args: expect(node.name, "build.args", build.args, isStringMap, "a map of strings") }) } } : {}),
      ports: [...new Set([...expect(node.name, "ports", s.ports ?? [], (v): v is number[] => Array.isArray(v) && v.every(isPort), "a list of ports"), ...healthPort(h)])],
      environment: expect(node.name, "environment", s.environment ?? {}, isStringMap, "a map of strings"),
      ...(s.command === undefined ? {} : { command: expect(node.name, "command", s.command, isStrings, "a list of strings") }),
      ...(s.entrypoint === undefined ? {} : { entrypoint: expect(node.name, "entrypoint", s.entrypoint, isStrings, "a list of strings") }),
      ...(h ? { health: h } : {}),
      capAdd: expect(node.name, "capAdd", s.capAdd ?? [], isStrings, "a list of capability names"),
      tmpfs: expect(node.name, "tmpfs", s.tmpfs ?? {}, isStringMap, "a map of path to options"),
      volumes,
    };
  },

  ports: (s) => s.ports,
  volumes: (s) => Object.keys(s.tmpfs),

  async prepare(node, s) {
    if (s.build) {
      // Named after the build, not the node: nodes built from one context (web1..web3) share one image.
      const role = registerStackRecipe(buildName(s.build), { summary: `${basename(s.build.context)} (${s.build.context})`, dir: s.build.context, from: ["base"], ...(s.build.args ? { args: s.build.args } : {}) });
      await ensureImages({ roles: [role] });
      return { image: imageTag(role) };
    }
    const image = s.image ?? "";
    const found = await dockerClient()
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (!found) {
      throw new UserError(`node '${node.name}': the engine has no image '${image}', and no image can be pulled here`, {
        hint: "give the node a build context instead (settings.build.context: a folder with a Dockerfile; BASE_IMAGE is Brownout's Debian base), or load the image into the engine (docker load)",
      });
    }
    return { image };
  },

  container(node, s, image): GenericContainer {
    let c = anyNodeContainer(image, node.name).withEnvironment({ ...s.environment });
    if (s.ports.length > 0) c = c.withExposedPorts(...s.ports);
    if (s.entrypoint) c = c.withEntrypoint([...s.entrypoint]);
    if (s.command) c = c.withCommand([...s.command]);
    if (s.capAdd.length > 0) c = c.withAddedCapabilities(...s.capAdd);
    if (Object.keys(s.tmpfs).length > 0) c = c.withTmpFs({ ...s.tmpfs });
    if (s.volumes.length > 0) c = c.withBindMounts(s.volumes.map((v) => ({ source: v.source, target: v.target, mode: v.readOnly ? "ro" : "rw" })));
    const h = s.health;
    if (h && "http" in h) c = c.withWaitStrategy(Wait.forHttp(h.http.path, h.http.port).forStatusCode(h.http.status ?? 200).withReadTimeout(100));
    else if (h && "command" in h) c = c.withWaitStrategy(Wait.forSuccessfulCommand(h.command));
    else if (s.ports.length > 0) c = c.withWaitStrategy(Wait.forListeningPorts());
    return c;
  },

  async problems(node: { readonly name: string; readonly address: NodeAddress }, s): Promise<string[]> {
    const h = s.health;
    if (!h) return [];
    const { host, ports, id } = node.address;
    if ("tcp" in h) {
      const why = await accepts(host, ports[h.tcp] ?? h.tcp);
      return why === null ? [] : [`${node.name} does not accept on port ${String(h.tcp)}: ${why}`];
    }
    if ("http" in h) {
      const want = h.http.status ?? 200;
      try {
        const r = await fetch(`http://${host}:${String(ports[h.http.port] ?? h.http.port)}${h.http.path}`, { signal: AbortSignal.timeout(FACTS_QUERY_TIMEOUT_MS) });
        await r.body?.cancel();
        return r.status === want ? [] : [`${node.name} ${h.http.path} answers ${String(r.status)}, expected ${String(want)}`];
      } catch (e) {
        return [`${node.name} ${h.http.path} did not answer: ${e instanceof Error ? e.message : String(e)}`];
      }
    }
    const code = await execCode(id, h.command);
    return code === 0 ? [] : [`${node.name}'s health command ${typeof code === "number" ? `exited ${String(code)}` : code.startsWith("did not finish") ? code : `did not run: ${code}`}`];
  },
};
