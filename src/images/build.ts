import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";
import { BuildFailure } from "./build-errors.js";
import { type Role, buildArgName, recipe } from "./catalog.js";
import type { HostSources } from "./host-config.js";
import { imageRepo, imageTag, recipeDir, recipeHash } from "./recipe-hash.js";
import { ROOTFS_IMAGE, ensureRootfs } from "./rootfs.js";

/** Where a role's build log goes; kept after the build so a failure can be read in full. */
export function buildLogPath(logDir: string, role: Role): string {
  return join(logDir, `${role}.log`);
}

export interface StepEvent {
  readonly index: number;
  readonly total: number;
  readonly text: string;
}

/** The build args a recipe gets: the tags it builds FROM, its pinned args, and the host inputs it declares. */
export function buildArgs(role: Role, host: HostSources): Record<string, string> {
  const r = recipe(role);
  const args: Record<string, string> = { ...host.proxyEnv, ...r.args };
  for (const dep of r.from) args[buildArgName(dep)] = imageTag(dep as Role);
  if (r.rootfs) args.ROOTFS_IMAGE = ROOTFS_IMAGE;
  if (r.host.includes("apt")) {
    if (host.aptMirror) args.APT_MIRROR = host.aptMirror;
    if (host.aptSecurityMirror) args.APT_SECURITY_MIRROR = host.aptSecurityMirror;
  }
  if (r.host.includes("go")) {
    if (host.goProxy) args.GOPROXY = host.goProxy;
    if (host.goSumDb) args.GOSUMDB = host.goSumDb;
  }
  return args;
}

/** The host's CA bundle, for recipes that fetch over TLS (empty where the host has none). */
function hostCaBundle(): Buffer {
  const path = process.env.SSL_CERT_FILE ?? "/etc/ssl/certs/ca-certificates.crt";
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

/** One image to build: a folder with a Dockerfile, extra files for the context, args, labels. */
export interface ImageBuildSpec {
  /** What messages call it: the role, or a benchmark variant's name. */
  readonly name: string;
  readonly contextDir: string;
  readonly tag: string;
  readonly buildargs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** Files added to the context that are not in the folder (host inputs such as the CA bundle). */
  readonly extraFiles?: Readonly<Record<string, Buffer>>;
}

function buildContext(spec: ImageBuildSpec): NodeJS.ReadableStream {
  const extra = Object.entries(spec.extraFiles ?? {});
  // tar-fs' Pack is a streamx stream; dockerode only pipes it, which it supports.
  return pack(spec.contextDir, {
    finalize: extra.length === 0,
    finish:
      extra.length > 0
        ? (p) => {
            for (const [name, content] of extra) p.entry({ name }, content);
            p.finalize();
          }
        : undefined,
  }) as unknown as NodeJS.ReadableStream;
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

/**
 * Builds one image through the Engine API (the classic builder: it is what every engine has, buildx or not).
 * RUN steps use the host's network, so builds reach the same mirrors and proxies as the host does. The whole
 * log goes to logPath; a failure names the step and carries the log's end.
 */
export async function buildImage(
  docker: Docker,
  spec: ImageBuildSpec,
  logPath: string,
  onStep: (step: StepEvent) => void,
): Promise<{ tag: string; sizeBytes: number }> {
  mkdirSync(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: "a" });
  const logLines: string[] = [];
  let currentStep: string | undefined;
  try {
    const stream = await docker.buildImage(buildContext(spec), {
      t: spec.tag,
      buildargs: { ...spec.buildargs },
      networkmode: "host",
      labels: { ...spec.labels },
      rm: true,
      forcerm: true,
    });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) reject(err);
          else resolve();
        },
        (event: BuildMessage) => {
          if (event.stream) {
            log.write(event.stream);
            for (const line of event.stream.split("\n")) {
              if (!line.trim()) continue;
              logLines.push(line);
              const m = STEP.exec(line);
              if (m?.[1] && m[2] && m[3] !== undefined) {
                currentStep = line;
                onStep({ index: Number(m[1]), total: Number(m[2]), text: m[3] });
              }
            }
            // Only the end of the log is ever shown; the file keeps all of it.
            if (logLines.length > 400) logLines.splice(0, logLines.length - 200);
          }
          if (event.error) {
            log.write(`${event.error}\n`);
            logLines.push(event.error);
            reject(new Error(event.errorDetail?.message ?? event.error));
          }
        },
      );
    });
  } catch (error) {
    await new Promise<void>((resolve) => log.end(resolve));
    const reason = error instanceof Error ? error.message : String(error);
    throw new BuildFailure(spec.name, currentStep, logLines.join("\n"), logPath, reason);
  }
  await new Promise<void>((resolve) => log.end(resolve));
  const info = await docker.getImage(spec.tag).inspect();
  return { tag: spec.tag, sizeBytes: info.Size };
}

/**
 * Builds a catalog role under its content-hash tag (and its alias, if it has one). A role built on the Debian
 * rootfs makes sure that image exists first (pulled, or made with debootstrap), as steps of the same build.
 */
export async function buildRole(
  docker: Docker,
  role: Role,
  host: HostSources,
  logDir: string,
  onStep: (step: StepEvent) => void,
): Promise<{ tag: string; sizeBytes: number }> {
  const r = recipe(role);
  if (r.rootfs) {
    let index = 0;
    await ensureRootfs(docker, host, buildLogPath(logDir, role), (text) => {
      onStep({ index: ++index, total: 0, text: `rootfs: ${text}` });
    });
  }
  const result = await buildImage(
    docker,
    {
      name: role,
      contextDir: recipeDir(role),
      tag: imageTag(role),
      buildargs: buildArgs(role, host),
      labels: { "brownout.role": role, "brownout.recipe": recipeHash(role) },
      extraFiles: {
        ...(r.host.includes("tls") ? { "host-ca-certificates.crt": hostCaBundle() } : {}),
        ...Object.fromEntries(Object.entries(r.generated ?? {}).map(([name, make]) => [name, make()])),
      },
    },
    buildLogPath(logDir, role),
    onStep,
  );
  if (r.alias) await docker.getImage(result.tag).tag({ repo: imageRepo(role), tag: r.alias });
  return result;
}
