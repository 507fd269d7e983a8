import { DEFAULT_SOCKET, engineEndpoint } from "./engine.js";
import { imageTag } from "./recipe-hash.js";

/**
 * The environment testcontainers must see, which it reads once, when first imported:
 * - RYUK_CONTAINER_IMAGE: our reaper image, so Ryuk stays on without pulling anything.
 * - TESTCONTAINERS_HOST_OVERRIDE: with a local engine, published ports are on loopback. testcontainers, finding
 *   /.dockerenv (as in a sandbox that is itself a container), would otherwise address them through the bridge
 *   gateway, an address outside loopback. A remote engine (DOCKER_HOST=tcp://...) keeps testcontainers' choice.
 * Values already set by the user win.
 */
export function testcontainersEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { RYUK_CONTAINER_IMAGE: env.RYUK_CONTAINER_IMAGE ?? imageTag("ryuk") };
  const override = env.TESTCONTAINERS_HOST_OVERRIDE ?? (engineEndpoint(env) === `unix://${DEFAULT_SOCKET}` ? "127.0.0.1" : undefined);
  if (override) out.TESTCONTAINERS_HOST_OVERRIDE = override;
  return out;
}
