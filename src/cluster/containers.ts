import { GenericContainer, Wait, type WaitStrategy } from "testcontainers";
import type { Role } from "../images/catalog.js";
import { imageTag } from "../images/recipe-hash.js";
import { runLabels } from "./labels.js";

/** Roles that run as a server (the others are build stages or benchmark baselines). */
export type ServerRole = Extract<Role, "postgres" | "postgres-initdb" | "mysql" | "redis" | "haproxy" | "caddy" | "toxiproxy" | "ryuk">;

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
  toxiproxyApi: 8474,
  ryuk: 8080,
} as const;

const postgresReady = () =>
  // Printed once by the real server: set-up runs in single-user mode or on a socket-only server, which log elsewhere.
  Wait.forLogMessage(/database system is ready to accept (read-only )?connections/);

const PRESETS: Record<ServerRole, Preset> = {
  postgres: { ports: [PORTS.postgres], wait: postgresReady },
  "postgres-initdb": { ports: [PORTS.postgres], wait: postgresReady },
  // MariaDB runs its --init-file before this line, so users and schemas exist when it appears.
  mysql: { ports: [PORTS.mysql], wait: () => Wait.forLogMessage(/mariadbd: ready for connections/) },
  redis: { ports: [PORTS.redis], wait: () => Wait.forLogMessage(/Ready to accept connections/) },
  haproxy: {
    ports: [PORTS.haproxyStats, PORTS.haproxyRuntime],
    wait: () => Wait.forHttp("/health", PORTS.haproxyStats).forStatusCode(200),
  },
  caddy: {
    ports: [PORTS.caddyHttp, PORTS.caddyAdmin],
    wait: () => Wait.forHttp("/config/", PORTS.caddyAdmin).forStatusCode(200),
  },
  toxiproxy: { ports: [PORTS.toxiproxyApi], wait: () => Wait.forHttp("/version", PORTS.toxiproxyApi).forStatusCode(200) },
  ryuk: { ports: [PORTS.ryuk], wait: () => Wait.forLogMessage(/Started/) },
};

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
