import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";
import { BuildFailure } from "./build-errors.js";
import { type Role, buildArgName, recipe } from "./catalog.js";
import type { HostSources } from "./host-config.js";
import { imageRepo, imageTag, recipeDir, recipeHash } from "./recipe-hash.js";
import { ROOTFS_IMAGE } from "./rootfs.js";

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

function buildContext(role: Role): NodeJS.ReadableStream {
  const needsCa = recipe(role).host.includes("tls");
  // tar-fs' Pack is a streamx stream; dockerode only pipes it, which it supports.
  return pack(recipeDir(role), {
    finalize: !needsCa,
    finish: needsCa
      ? (p) => {
          p.entry({ name: "host-ca-certificates.crt" }, hostCaBundle());
          p.finalize();
        }
      : undefined,
  }) as unknown as NodeJS.ReadableStream;
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

/**
 * Builds one role's image through the Engine API (the classic builder: it is what every engine has, buildx or
 * not). RUN steps use the host's network, so builds reach the same mirrors and proxies as the host does.
 */
export async function buildRole(
  docker: Docker,
  role: Role,
  host: HostSources,
  logDir: string,
  onStep: (step: StepEvent) => void,
): Promise<{ tag: string; sizeBytes: number }> {
  mkdirSync(logDir, { recursive: true });
  const logPath = buildLogPath(logDir, role);
  const log = createWriteStream(logPath, { flags: "a" });
  const tag = imageTag(role);
  const logLines: string[] = [];
  let currentStep: string | undefined;
  try {
    const stream = await docker.buildImage(buildContext(role), {
      t: tag,
      buildargs: buildArgs(role, host),
      networkmode: "host",
      labels: { "brownout.role": role, "brownout.recipe": recipeHash(role) },
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
    throw new BuildFailure(role, currentStep, logLines.join("\n"), logPath, reason);
  }
  await new Promise<void>((resolve) => log.end(resolve));
  const alias = recipe(role).alias;
  if (alias) await docker.getImage(tag).tag({ repo: imageRepo(role), tag: alias });
  const info = await docker.getImage(tag).inspect();
  return { tag, sizeBytes: info.Size };
}
