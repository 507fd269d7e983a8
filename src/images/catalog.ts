import { appBundle } from "./app-bundle.js";
import { PINS } from "./pins.js";

/** Host settings a recipe needs passed in at build time (never part of its content hash): the apt mirror,
 * the Go module proxy, the host's CA bundle. */
export type HostInput = "apt" | "go" | "tls";

/** What a recipe is for: the servers a topology runs, a build-only stage, a benchmark baseline, or a CI tool. */
export type Purpose = "server" | "builder" | "bench" | "tool";

export interface Recipe {
  readonly summary: string;
  /** Folder under fixtures/images holding the Dockerfile and its files. */
  readonly dir: string;
  /** Catalog images this one builds FROM; each is passed as the build arg <ROLE>_IMAGE (BASE_IMAGE, ...). */
  readonly from: readonly string[];
  /** Pinned build args: part of the content hash. */
  readonly args: Readonly<Record<string, string>>;
  readonly host: readonly HostInput[];
  readonly purpose: Purpose;
  /** Built on the imported Debian rootfs rather than on another recipe. */
  readonly rootfs?: true;
  /** A stable extra tag beside the content-hash tag. */
  readonly alias?: string;
  /** Context files made from the project's own sources (the app bundle): their bytes are part of the hash. */
  readonly generated?: Readonly<Record<string, () => Buffer>>;
}

/**
 * One recipe per role, built in dependency order. Adding a role (the app, say) is one entry here plus its
 * folder under fixtures/images.
 */
export const CATALOG = {
  base: {
    summary: `Debian ${PINS.debianRelease} with apt set up for the host's mirror`,
    dir: "base",
    from: [],
    args: { DEBIAN_RELEASE: PINS.debianRelease },
    host: ["apt"],
    purpose: "server",
    rootfs: true,
    alias: PINS.debianRelease,
  },
  gobuild: {
    summary: "Go toolchain from bookworm-backports, build stage for toxiproxy and ryuk",
    dir: "gobuild",
    from: ["base"],
    args: { GO_PACKAGE: PINS.goPackage },
    host: ["apt", "tls"],
    purpose: "builder",
  },
  postgres: {
    summary: `PostgreSQL ${PINS.postgresMajor}, cluster initialised at build time, primary or streaming replica`,
    dir: "postgres",
    from: ["base"],
    args: { PG_MAJOR: PINS.postgresMajor, PREINIT: "1" },
    host: [],
    purpose: "server",
  },
  "postgres-initdb": {
    summary: `PostgreSQL ${PINS.postgresMajor} that runs initdb at start (benchmark baseline)`,
    dir: "postgres",
    from: ["base"],
    args: { PG_MAJOR: PINS.postgresMajor, PREINIT: "0" },
    host: [],
    purpose: "bench",
  },
  mysql: {
    summary: "MariaDB 10.11, datadir initialised at build time, binlog and GTID on",
    dir: "mysql",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
  },
  redis: {
    summary: "Redis 7 server and Sentinel",
    dir: "redis",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
  },
  haproxy: {
    summary: "HAProxy 2.6 with socat for the runtime API",
    dir: "haproxy",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
  },
  caddy: {
    summary: "Caddy 2.6 with its admin API open to the harness",
    dir: "caddy",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
  },
  toxiproxy: {
    summary: `Toxiproxy ${PINS.toxiproxy} server and CLI, built from source`,
    dir: "toxiproxy",
    from: ["base", "gobuild"],
    args: { TOXIPROXY_VERSION: PINS.toxiproxy },
    host: ["go"],
    purpose: "server",
  },
  ryuk: {
    summary: `Reaper speaking testcontainers' Ryuk ${PINS.ryukProtocol} protocol, built from source`,
    dir: "ryuk",
    from: ["base", "gobuild"],
    args: { RYUK_PROTOCOL: PINS.ryukProtocol },
    host: [],
    purpose: "server",
  },
  app: {
    summary: "The meeting-style app under test (app/), bundled, on Debian's Node",
    dir: "app",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
    generated: { "app.cjs": appBundle },
  },
  actionlint: {
    summary: `actionlint ${PINS.actionlint}, built from source, checks .github/workflows (npm run actionlint)`,
    dir: "actionlint",
    from: ["base", "gobuild"],
    args: { ACTIONLINT_VERSION: PINS.actionlint },
    host: ["go"],
    purpose: "tool",
  },
  nettools: {
    summary: "iptables and iproute2, run as a sidecar in a container's network namespace for partitions",
    dir: "nettools",
    from: ["base"],
    args: {},
    host: [],
    purpose: "server",
  },
} as const satisfies Record<string, Recipe>;

export type BuiltinRole = keyof typeof CATALOG;
/** A stack's own image (its app, a part Brownout does not ship), registered from its config. */
export type StackRole = `stack-${string}`;
export type Role = BuiltinRole | StackRole;

export const ROLES = Object.keys(CATALOG) as BuiltinRole[];

export function isRole(name: string): name is BuiltinRole {
  return Object.hasOwn(CATALOG, name);
}

const STACK_RECIPES = new Map<StackRole, Recipe>();

/**
 * Registers a stack's own recipe: a folder (absolute `dir`) with a Dockerfile that builds FROM the catalog's
 * images it names (`from`, passed as build args such as BASE_IMAGE), content-hashed like every recipe.
 */
export function registerStackRecipe(name: string, r: Omit<Recipe, "purpose" | "host" | "args"> & Partial<Pick<Recipe, "host" | "args">>): StackRole {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`a stack image's name is lowercase letters, digits and '-', not '${name}'`);
  const role: StackRole = `stack-${name}`;
  STACK_RECIPES.set(role, { args: {}, host: ["apt"], ...r, purpose: "server" });
  return role;
}

export function recipe(role: Role): Recipe {
  if (isRole(role)) return CATALOG[role];
  const r = STACK_RECIPES.get(role);
  if (!r) throw new Error(`no recipe registered for ${role}`);
  return r;
}

/** The roles built by default: everything a run needs (not benchmark baselines, not CI tools). */
export const DEFAULT_ROLES: readonly Role[] = ROLES.filter((r) => recipe(r).purpose !== "bench" && recipe(r).purpose !== "tool");

/** `role` and every catalog image it builds FROM, dependencies first. */
export function withDependencies(roles: readonly Role[]): Role[] {
  const ordered: Role[] = [];
  const visit = (role: Role) => {
    if (ordered.includes(role)) return;
    for (const dep of recipe(role).from) visit(dep as Role);
    ordered.push(role);
  };
  roles.forEach(visit);
  return ordered;
}

export function buildArgName(role: string): string {
  return `${role.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_IMAGE`;
}
