import type { StartedTestContainer } from "testcontainers";
import { dockerClient } from "../images/engine.js";
import { demuxedText } from "../cluster/docker-output.js";

/** Helpers a kind uses to read its mechanisms back from a running server. */

/** A read that failed, as a value: one mechanism that cannot be read is reported, not thrown. */
export const failed = (e: unknown): { readonly error: string } => ({ error: e instanceof Error ? e.message : String(e) });

/** A Go/Caddy duration: integer nanoseconds (Caddy's JSON) or a string such as "500ms", "10s", "1m30s". */
export function durationMs(v: unknown): number | null {
  if (typeof v === "number") return v / 1e6;
  if (typeof v !== "string") return null;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = "";
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (units[m[2] ?? ""] ?? Number.NaN);
    matched += m[0];
  }
  return matched === v && matched !== "" ? total : null;
}

export type Json = Record<string, unknown> | undefined;
export const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Record<string, unknown>) : undefined);

/** A file as the running container has it (never what the harness meant to write). */
export async function readContainerFile(container: StartedTestContainer, path: string): Promise<string> {
  const exec = await dockerClient()
    .getContainer(container.getId())
    .exec({ Cmd: ["cat", path], AttachStdout: true, AttachStderr: true });
  return demuxedText(await exec.start({}));
}
