import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { BuildFailure } from "./build-errors.js";
import { type StepEvent, buildLogPath, buildRole } from "./build.js";
import { DEFAULT_ROLES, type Role, recipe, withDependencies } from "./catalog.js";
import { dockerClient } from "./engine.js";
import { readHostSources } from "./host-config.js";
import { imageTag } from "./recipe-hash.js";

export type ImageEvent =
  | { readonly kind: "cached"; readonly role: Role; readonly tag: string }
  | { readonly kind: "start"; readonly role: Role }
  | { readonly kind: "step"; readonly role: Role; readonly step: StepEvent }
  | { readonly kind: "built"; readonly role: Role; readonly tag: string; readonly sizeBytes: number; readonly ms: number }
  | { readonly kind: "failed"; readonly role: Role; readonly error: Error }
  | { readonly kind: "skipped"; readonly role: Role; readonly because: Role };

export interface ImageResult {
  readonly role: Role;
  readonly tag: string;
  readonly status: "cached" | "built";
  readonly ms: number;
  readonly sizeBytes: number;
}

export interface EnsureImagesOptions {
  readonly roles?: readonly Role[];
  readonly docker?: Docker;
  /** Builds run at once; apt downloads wait on the network, so a little above the core count helps. */
  readonly concurrency?: number;
  readonly onEvent?: (event: ImageEvent) => void;
  readonly logDir?: string;
}

export const DEFAULT_LOG_DIR = join(process.cwd(), "reports", "images");

async function present(docker: Docker, tag: string): Promise<number | undefined> {
  try {
    return (await docker.getImage(tag).inspect()).Size;
  } catch {
    return undefined;
  }
}

/**
 * Builds whichever of the roles (and what they build FROM) has no image for its current content hash, in
 * dependency order, several at once. Present images are never rebuilt, so with everything cached this is
 * one inspect per role.
 */
export async function ensureImages(options: EnsureImagesOptions = {}): Promise<ImageResult[]> {
  const docker = options.docker ?? dockerClient();
  const emit = options.onEvent ?? (() => undefined);
  const logDir = options.logDir ?? DEFAULT_LOG_DIR;
  const concurrency = Math.max(1, options.concurrency ?? Number(process.env.BROWNOUT_BUILD_JOBS ?? 3));
  const requested = options.roles ?? DEFAULT_ROLES;

  // What a role builds FROM matters only when the role itself must be built: an engine that was given the
  // server images (a remote one, say) needs neither the base nor the Go toolchain.
  const results = new Map<Role, ImageResult>();
  const missing: Role[] = [];
  const visit = async (role: Role): Promise<void> => {
    if (results.has(role) || missing.includes(role)) return;
    const tag = imageTag(role);
    const size = await present(docker, tag);
    if (size === undefined) {
      missing.push(role);
      for (const dep of recipe(role).from) await visit(dep as Role);
    } else {
      results.set(role, { role, tag, status: "cached", ms: 0, sizeBytes: size });
      emit({ kind: "cached", role, tag });
    }
  };
  for (const role of withDependencies(requested).filter((r) => requested.includes(r))) await visit(role);
  const order = withDependencies(requested).filter((r) => results.has(r) || missing.includes(r));
  // Build in dependency order.
  missing.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (missing.length === 0) return order.map((r) => results.get(r) as ImageResult);

  const host = await readHostSources();
  mkdirSync(logDir, { recursive: true });
  const failures: BuildFailure[] = [];
  const failed = new Set<Role>();
  const done = new Set<Role>(results.keys());
  const running = new Map<Role, Promise<void>>();
  const waiting = [...missing];

  const start = (role: Role) => {
    emit({ kind: "start", role });
    const t0 = performance.now();
    const job = buildRole(docker, role, host, logDir, (step) => {
      emit({ kind: "step", role, step });
    })
      .then(({ tag, sizeBytes }) => {
        const ms = performance.now() - t0;
        results.set(role, { role, tag, status: "built", ms, sizeBytes });
        done.add(role);
        emit({ kind: "built", role, tag, sizeBytes, ms });
      })
      .catch((error: unknown) => {
        const failure =
          error instanceof BuildFailure
            ? error
            : new BuildFailure(role, undefined, "", buildLogPath(logDir, role), error instanceof Error ? error.message : String(error));
        failures.push(failure);
        failed.add(role);
        emit({ kind: "failed", role, error: failure });
      })
      .finally(() => running.delete(role));
    running.set(role, job);
  };

  while (waiting.length > 0 || running.size > 0) {
    // Roles whose dependency failed can never build: report them once and drop them.
    for (let i = waiting.length - 1; i >= 0; i--) {
      const role = waiting[i] as Role;
      const broken = recipe(role).from.find((dep) => failed.has(dep as Role));
      if (broken) {
        waiting.splice(i, 1);
        failed.add(role);
        emit({ kind: "skipped", role, because: broken as Role });
      }
    }
    for (let i = 0; i < waiting.length && running.size < concurrency; ) {
      const role = waiting[i] as Role;
      if (recipe(role).from.every((dep) => done.has(dep as Role))) {
        waiting.splice(i, 1);
        start(role);
      } else i++;
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const [first] = failures;
  if (first) throw first;
  return order.map((r) => results.get(r) as ImageResult);
}
