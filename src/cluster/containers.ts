import { GenericContainer, type StartedTestContainer, Wait, type WaitStrategy } from "testcontainers";
import type { Role } from "../images/catalog.js";
import { imageTag } from "../images/recipe-hash.js";
import { publishAddress } from "../images/testcontainers-env.js";
import { ROLE_LABEL, runLabels } from "./labels.js";
import { RespPingWait } from "./resp-wait.js";
import { engineStarts } from "./start-lane.js";
import { FACTS_QUERY_TIMEOUT_MS } from "./topology.js";

/** Roles that run as a server (the others are build stages or benchmark baselines). */
export type ServerRole = Extract<Role, "postgres" | "postgres-initdb" | "mysql" | "redis" | "haproxy" | "caddy" | "toxiproxy" | "ryuk" | "app">;

interface Preset {
  readonly ports: readonly number[];
  /**
   * When a topology's containers queue for the engine (see start-lane.ts), lower first: the ones on the longest
   * path to steady state. Postgres: primary set up, replica streaming through Toxiproxy and replayed, then
   * HAProxy's checks; MariaDB: both ready, then replication set up; the sites: Node's boot; Redis: its Sentinels
   * start once it serves; Caddy serves at once.
   */
  readonly startRank: number;
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
  postgres: { startRank: 0, ports: [PORTS.postgres], wait: postgresReady },
  "postgres-initdb": { startRank: 0, ports: [PORTS.postgres], wait: postgresReady },
  // MariaDB runs its --init-file before this line, so users and schemas exist when it appears.
  mysql: { startRank: 1, ports: [PORTS.mysql], wait: () => Wait.forLogMessage(/mariadbd: ready for connections/) },
  redis: { startRank: 2, ports: [PORTS.redis], wait: () => new RespPingWait(PORTS.redis) },
  haproxy: {
    startRank: 1,
    ports: [PORTS.haproxyStats, PORTS.haproxyRuntime, PORTS.haproxyWeb],
    wait: httpReady("/health", PORTS.haproxyStats),
  },
  caddy: {
    startRank: 3,
    ports: [PORTS.caddyHttp, PORTS.caddyAdmin],
    wait: httpReady("/config/", PORTS.caddyAdmin),
  },
  toxiproxy: { startRank: 0, ports: [PORTS.toxiproxyApi], wait: httpReady("/version", PORTS.toxiproxyApi) },
  ryuk: { startRank: 0, ports: [PORTS.ryuk], wait: () => Wait.forLogMessage(/Started/) },
  // 200 means the site can serve: it reaches at least one of its dependencies and is not draining.
  app: { startRank: 2, ports: [PORTS.app], wait: httpReady("/health", PORTS.app) },
};

/** The host's URL for one of a container's HTTP ports. */
export function hostUrl(container: StartedTestContainer, port: number): string {
  return `http://${container.getHost()}:${String(container.getMappedPort(port))}`;
}

/** One GET of a JSON health endpoint, bounded: the status, and the body when it is JSON. */
export async function getHealth(baseUrl: string, timeoutMs = FACTS_QUERY_TIMEOUT_MS): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.json().catch((): unknown => null) };
}

/**
 * testcontainers' GenericContainer, created the way a topology of many containers on two cores wants it:
 * - on the run network only, its aliases given at create. testcontainers gives aliases by connecting the created
 *   container to the network, which leaves it on Docker's default bridge as well: a second interface, twice the
 *   network set-up at every start, and a path a partition would have to cut too.
 * - without the image's HEALTHCHECK: Docker would exec it every second in every container, a steady CPU cost
 *   that delays probes; the harness waits on what each server says (the presets below) and never reads it.
 */
class NodeContainer extends GenericContainer {
  #release: (() => void) | undefined;
  readonly #running: (() => void)[] = [];

  /** Called once the engine has started the container, before its wait strategy runs. */
  whenRunning(callback: () => void): this {
    this.#running.push(callback);
    return this;
  }

  constructor(
    image: string,
    private readonly startRank: number,
  ) {
    super(image);
  }

  override async start(): Promise<StartedTestContainer> {
    try {
      return await super.start();
    } finally {
      this.#release?.();
    }
  }

  /** Just before testcontainers asks the engine to start it: wait for a place in the engine's lane. */
  protected override async containerCreated(): Promise<void> {
    this.#release = await engineStarts.enter(this.startRank);
  }

  /** Started (and inspected): the next in line may go while this one's wait strategy runs. */
  protected override async containerStarting(): Promise<void> {
    this.#release?.();
    for (const callback of this.#running) callback();
    return Promise.resolve();
  }

  protected override async beforeContainerCreated(): Promise<void> {
    this.createOpts.Healthcheck = { Test: ["NONE"] };
    // Published on the bind address only (loopback for a local engine), never on every interface.
    const bindings = this.hostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[]> | undefined;
    for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = publishAddress();
    // A readable name: the run network's name (brownout-<run>-<topology>) and the role, so `docker ps` and
    // `docker logs` tell the parts apart.
    const role = this.createOpts.Labels?.[ROLE_LABEL];
    if (this.networkMode?.startsWith("brownout-") && role && this.createOpts.name === undefined) this.createOpts.name = `${this.networkMode}-${role}`;
    if (this.networkMode !== undefined && this.networkAliases.length > 0) {
      this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.networkMode]: { Aliases: [...this.networkAliases] } } };
      // Empty, testcontainers creates the container on networkMode and skips its own connect.
      this.networkAliases = [];
    }
    return Promise.resolve();
  }
}

/**
 * Calls `callback` once the engine has started `container`, before its wait strategy runs, when the container is
 * one of ours (nodeContainer, anyNodeContainer); false for any other (its start resolves only once it waits).
 */
export function whenRunning(container: GenericContainer, callback: () => void): boolean {
  if (!(container instanceof NodeContainer)) return false;
  container.whenRunning(callback);
  return true;
}

/**
 * A container of one of our images, labelled with the run and its role, with its ports exposed and the wait
 * strategy that means "serving". Callers add environment, command, network and aliases.
 */
export function nodeContainer(role: ServerRole, options: { image?: string; startupTimeoutMs?: number; startRank?: number } = {}): GenericContainer {
  const preset = PRESETS[role];
  return new NodeContainer(options.image ?? imageTag(role), options.startRank ?? preset.startRank)
    .withLabels(runLabels(role))
    .withExposedPorts(...preset.ports)
    .withWaitStrategy(preset.wait())
    .withStartupTimeout(options.startupTimeoutMs ?? 60_000);
}

/**
 * A container of any image (a node a stack declares), under the same rules as ours: labelled with the run and
 * its name, on the run network only, ports published on loopback, no image HEALTHCHECK. Started after the
 * built-in servers in the engine's lane. Callers add its wait, environment, command and mounts.
 */
export function anyNodeContainer(image: string, name: string, options: { startupTimeoutMs?: number } = {}): GenericContainer {
  return new NodeContainer(image, 3).withLabels(runLabels(name)).withStartupTimeout(options.startupTimeoutMs ?? 60_000);
}
