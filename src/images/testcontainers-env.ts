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

/**
 * Where published ports listen on the engine's host. A local engine (a unix socket): 127.0.0.1, so no service of a
 * run (HAProxy's runtime API, Toxiproxy's API, Caddy's admin API, Redis without a password) is reachable from
 * outside the machine. A remote engine (DOCKER_HOST=tcp://...): the harness must reach its ports over the network,
 * so BROWNOUT_BIND_ADDRESS names the engine host's address to publish on (default 0.0.0.0: put the engine on a
 * private network, see README).
 */
export function publishAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BROWNOUT_BIND_ADDRESS) return env.BROWNOUT_BIND_ADDRESS;
  const endpoint = engineEndpoint(env);
  // An engine on this machine's loopback (a second dockerd on tcp://127.0.0.1:PORT) is local too.
  const loopback = /^tcp:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint);
  return endpoint.startsWith("unix://") || loopback ? "127.0.0.1" : "0.0.0.0";
}
