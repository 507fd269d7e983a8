import { GenericContainer, type StartedTestContainer, Wait, type WaitStrategy } from "testcontainers";
import type { Role } from "../images/catalog.js";
import { imageTag } from "../images/recipe-hash.js";
import { runLabels } from "./labels.js";

/** Roles that run as a server (the others are build stages or benchmark baselines). */
export type ServerRole = Extract<Role, "postgres" | "postgres-initdb" | "mysql" | "redis" | "haproxy" | "caddy" | "toxiproxy" | "ryuk" | "app">;

interface Preset {
  readonly ports: readonly number[];
  /** Why each wait: the first moment the server really serves, read from what the server itself says. */
  readonly wait: () => WaitStrategy;
}

export const PORTS = {
  postgres: 5432,
  mysql: 3306,
  redis: 6379,
  sentinel: 26379,
  haproxyStats: 8404,
  haproxyRuntime: 9999,
  caddyHttp: 8080,
  caddyAdmin: 2019,
  app: 8080,
  haproxyWeb: 8080,
  toxiproxyApi: 8474,
  ryuk: 8080,
} as const;

const postgresReady = () =>
  // Printed once by the real server: set-up runs in single-user mode or on a socket-only server, which log elsewhere.
  Wait.forLogMessage(/database system is ready to accept (read-only )?connections/);

/**
 * An HTTP wait that polls every 100 ms: testcontainers retries an HTTP wait at its read timeout (1 s by default),
 * which would add up to a second to every start. Loopback answers well within 100 ms.
 */
const httpReady = (path: string, port: number) => () => Wait.forHttp(path, port).forStatusCode(200).withReadTimeout(100);

const PRESETS: Record<ServerRole, Preset> = {
  postgres: { ports: [PORTS.postgres], wait: postgresReady },
  "postgres-initdb": { ports: [PORTS.postgres], wait: postgresReady },
  // MariaDB runs its --init-file before this line, so users and schemas exist when it appears.
  mysql: { ports: [PORTS.mysql], wait: () => Wait.forLogMessage(/mariadbd: ready for connections/) },
  // Asked, not read from the log: testcontainers reads a restarted container's log from its StartedAt, and Redis
  // prints its ready line within milliseconds, sometimes stamped before that instant, so a heal would wait forever.
  redis: { ports: [PORTS.redis], wait: () => Wait.forSuccessfulCommand(`redis-cli -p ${String(PORTS.redis)} ping | grep -q PONG`) },
  haproxy: {
    ports: [PORTS.haproxyStats, PORTS.haproxyRuntime, PORTS.haproxyWeb],
    wait: httpReady("/health", PORTS.haproxyStats),
  },
  caddy: {
    ports: [PORTS.caddyHttp, PORTS.caddyAdmin],
    wait: httpReady("/config/", PORTS.caddyAdmin),
  },
  toxiproxy: { ports: [PORTS.toxiproxyApi], wait: httpReady("/version", PORTS.toxiproxyApi) },
  ryuk: { ports: [PORTS.ryuk], wait: () => Wait.forLogMessage(/Started/) },
  // 200 means the site can serve: it reaches at least one of its dependencies and is not draining.
  app: { ports: [PORTS.app], wait: httpReady("/health", PORTS.app) },
};

/** The host's URL for one of a container's HTTP ports. */
export function hostUrl(container: StartedTestContainer, port: number): string {
  return `http://${container.getHost()}:${String(container.getMappedPort(port))}`;
}

/** One GET of a JSON health endpoint, bounded: the status, and the body when it is JSON. */
export async function getHealth(baseUrl: string, timeoutMs = 2000): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.json().catch((): unknown => null) };
}

/**
 * A container of one of our images, labelled with the run and its role, with its ports exposed and the wait
 * strategy that means "serving". Callers add environment, command, network and aliases.
 */
export function nodeContainer(role: ServerRole, options: { image?: string; startupTimeoutMs?: number } = {}): GenericContainer {
  const preset = PRESETS[role];
  return new GenericContainer(options.image ?? imageTag(role))
    .withLabels(runLabels(role))
    .withExposedPorts(...preset.ports)
    .withWaitStrategy(preset.wait())
    .withStartupTimeout(options.startupTimeoutMs ?? 60_000);
}
