import { UserError } from "../errors.js";

/** Every node a topology can run, by the name checks and faults use. */
export const NODE_ROLES = [
  "toxiproxy",
  "pg-primary",
  "pg-replica",
  "pg-db2",
  "redis-1",
  "redis-2",
  "sentinel-1",
  "sentinel-2",
  "sentinel-3",
  "mysql-1",
  "mysql-2",
  "haproxy",
  "app-gra",
  "app-sbg",
  "caddy",
] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Parts of the stack a scenario can ask for; the full topology is all of them. */
export const SLICES = ["postgres", "redis", "mysql", "web"] as const;
export type Slice = (typeof SLICES)[number];

export const SLICE_ROLES: Record<Slice, readonly NodeRole[]> = {
  postgres: ["pg-primary", "pg-replica"],
  redis: ["redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3"],
  mysql: ["mysql-1", "mysql-2"],
  // The two app sites and Caddy in front; HAProxy's `web` frontend serves them too.
  web: ["app-gra", "app-sbg", "caddy"],
};

/** The app's sites, in Caddy's order of preference (`lb_policy first`: gra while it is healthy). */
export const SITES = ["gra", "sbg"] as const;
export type Site = (typeof SITES)[number];

/**
 * Every timing that decides how fast a failure is detected, in one place: written into the servers' configs,
 * and read back by checks that compare a measured failover with the configured bound.
 */
export interface DetectionTimings {
  readonly sentinel: { readonly downAfterMs: number; readonly failoverTimeoutMs: number; readonly quorum: number };
  /** How long a replica waits for its primary before it calls the link broken, and then between reconnects. */
  readonly postgres: { readonly walReceiverTimeoutMs: number; readonly walRetrieveRetryMs: number };
  /**
   * HAProxy checks: a server is down after `fall` failures `interMs` apart, up again after `rise` successes. A
   * server that is down is checked every `downInterMs`, so one that comes back is seen soon after.
   */
  readonly haproxy: {
    readonly interMs: number;
    readonly downInterMs: number;
    readonly fall: number;
    readonly rise: number;
    readonly checkTimeoutMs: number;
  };
  /**
   * Caddy: an upstream is out after one failed active check (Caddy 2.6 has no fail count) or `maxFails` failed
   * requests (passive, for failDurationMs); a request that finds its upstream dead is retried on the next for
   * tryDurationMs (0: not written, no retry, Caddy's default).
   */
  readonly caddy: {
    readonly healthIntervalMs: number;
    readonly healthTimeoutMs: number;
    readonly failDurationMs: number;
    readonly maxFails: number;
    readonly tryDurationMs: number;
    /** Wait between two tries within tryDurationMs. */
    readonly tryIntervalMs: number;
    /** The dial timeout in force (a template that does not write it runs Caddy's default, 3 s). */
    readonly dialTimeoutMs: number;
  };
  /**
   * The app's bound on every dependency call (connect and query), and on each dependency probe of /health: the
   * latter must be shorter than the proxies' check timeouts, or a hung dependency takes healthy sites out.
   */
  readonly app: { readonly depTimeoutMs: number; readonly healthTimeoutMs: number };
}

export type ReadPolicy = "strict" | "fallback";

export function readPolicyOf(app: AppSettings, site: Site): ReadPolicy {
  return typeof app.readPolicy === "string" ? app.readPolicy : app.readPolicy[site];
}

/**
 * Test-only regressions of the app under test (its APP_TEST_BUGS, documented in app/src/test-bugs.ts): what a
 * mutant switches on to prove a scenario goes red. Kept in step with the app's list by a unit test.
 */
export const APP_TEST_BUGS = [
  "cache-errors-fail-requests",
  "health-requires-all-deps",
  "health-ignores-deps",
  "cache-no-ttl",
  "items-no-commit",
  "shared-sessions-in-memory",
  "strict-reads-fall-back",
  "no-dep-timeout",
  "redis-without-sentinel",
  "cache-invalidation-wrong-key",
  "dependency-errors-as-500",
] as const;
export type AppTestBug = (typeof APP_TEST_BUGS)[number];

/** How the app sites run: these decide what users see under a fault, so scenarios choose them. */
export interface AppSettings {
  /** Test-only regressions to switch on (mutants only); empty for a real run. */
  readonly testBugs: readonly (AppTestBug | (string & {}))[];
  /** `strict`: a cache miss reads only the replica; `fallback`: then the primary. One for both sites, or one each. */
  readonly readPolicy: ReadPolicy | Readonly<Record<Site, ReadPolicy>>;
  /** Store for sessions made without naming one (clients may name memory, redis or mysql per session). */
  readonly sessionStore: "memory" | "redis" | "mysql";
  readonly cacheTtlS: number;
  /**
   * With a second database (`postgres.db2`), how the app acknowledges a write of seed 001's tables it makes to
   * both: `any` once one database took it (the seed's log-and-continue), `all` only if both did; `off`: the app
   * is not told about the second database and writes the first only.
   */
  readonly dualWrite: "any" | "all" | "off";
}

export const DEFAULT_APP: AppSettings = { readPolicy: "fallback", sessionStore: "redis", cacheTtlS: 60, dualWrite: "any", testBugs: [] };

/**
 * Named margins: what a figure measured from probes carries besides the mechanism's own timings. They are part of
 * the spec so that every bound is a sum of named, configured terms and no scenario file holds a slack literal.
 */
export interface Margins {
  /** Probes fire this often per probe: a time measured from them is good to one interval. */
  readonly probeIntervalMs: number;
  /**
   * How late the probe scheduler may fire on a loaded 2-core machine (summary.json probeLatenessP99Ms: median
   * 11 ms, max 65 ms over a --repeat 3 run).
   */
  readonly schedulerLatenessMs: number;
  /**
   * Ordinary asynchronous replication lag on this machine, with no fault: a read a few ms after a write may miss
   * it. A stale read within this is replication working, not a fault's trace.
   */
  readonly asyncLagMs: number;
  /**
   * How long one look of verify() takes when every node answers (all facts are read in parallel). Measured as the
   * recovery of runs that had nothing to wait for: 77–413 ms on this machine under a scenario's load.
   */
  readonly factsLookMs: number;
  /**
   * How long a server of the images takes from its process start to answering, crash recovery included (a
   * supervised PostgreSQL started again after a full disk). Measured: 0.2–0.6 s.
   */
  readonly serverStartMs: number;
}

export const DEFAULT_MARGINS: Margins = { probeIntervalMs: 50, schedulerLatenessMs: 100, asyncLagMs: 100, factsLookMs: 1000, serverStartMs: 2000 };

/**
 * Every connection verify() opens (a database, the runtime API, a /health request) gives up after this long: a
 * look that meets a node not back yet (frozen, cut, not listening) ends no later than this.
 */
export const FACTS_QUERY_TIMEOUT_MS = 2000;

/** verify() looks again this long after a look that found problems (recovery is polled, never slept for). */
export const VERIFY_PAUSE_MS = 100;

/** The config files a patch can edit, as rendered from their templates. */
export const PATCHABLE = ["haproxy", "caddy"] as const;
export type Patchable = (typeof PATCHABLE)[number];

/**
 * A text edit of a rendered config: how a mutant states a config regression (a keyword removed, a line changed).
 * `find` must match, or rendering fails: a mutant never silently turns into the unmutated stack.
 */
export interface ConfigPatch {
  readonly file: Patchable;
  readonly find: string | RegExp;
  readonly replace: string;
}

/** Applies the patches meant for one file, in order; a patch whose text is not there is an error. */
export function applyPatches(text: string, patches: readonly ConfigPatch[], file: Patchable): string {
  let out = text;
  for (const p of patches.filter((x) => x.file === file)) {
    const found = typeof p.find === "string" ? out.includes(p.find) : new RegExp(p.find.source, p.find.flags.replace("g", "")).test(out);
    if (!found) throw new Error(`config patch for ${file}: '${String(p.find)}' is not in the rendered config`);
    out = typeof p.find === "string" ? out.split(p.find).join(p.replace) : out.replace(p.find, p.replace);
  }
  return out;
}

export interface PostgresSettings {
  /** Synchronous replication: a commit on pg-primary waits until pg-replica has flushed it. */
  readonly synchronous: boolean;
  /** Extra server settings for pg-replica (`-c name=value`), e.g. a mutant's recovery_min_apply_delay. */
  readonly replicaSettings: Readonly<Record<string, string>>;
  /** Extra server settings for pg-primary (ALTER SYSTEM, then a reload), e.g. a mutant's synchronous_commit. */
  readonly primarySettings?: Readonly<Record<string, string>>;
  /**
   * Seed 001's second database (its DB2): `pg-db2`, a PostgreSQL of its own with the same schema and no
   * replication from or to anything, which the app writes every change of seed 001's tables to as well
   * (`app.dualWrite`). Off by default: the meeting stack copies by streaming replication.
   */
  readonly db2: boolean;
  /**
   * pg-primary's pg_wal on a volume of this many MB of its own (a disk that can fill up), its postmaster
   * supervised (started again a second after it exits, as systemd or Patroni would). 0, the default: pg_wal in
   * the data directory.
   */
  readonly walVolumeMb: number;
}

/**
 * Redis's own guard against split brain (redis.conf): a master refuses writes unless at least
 * `minReplicasToWrite` replicas acknowledged its stream within `minReplicasMaxLagS` seconds. 0: off, Redis's
 * default and the seed stack's.
 */
export interface RedisSettings {
  readonly minReplicasToWrite: number;
  readonly minReplicasMaxLagS: number;
  /** `appendonly yes` (seed 003's `redis-server --appendonly yes`): a restarted node comes back with its data. */
  readonly appendOnly: boolean;
  /** A regression's shape: min-replicas-to-write in the first master's config only (the replica runs the default 0). */
  readonly minReplicasOnFirstMasterOnly?: boolean;
}

export const DEFAULT_REDIS: RedisSettings = { minReplicasToWrite: 0, minReplicasMaxLagS: 10, appendOnly: true };

/**
 * A stack's own config files, each falling back to the built-in one. Templates are filled with {{name}}
 * placeholders (documented in docs/api.md): HAProxy's sections ({{interMs}}, {{downInterMs}}, {{fall}}, {{rise}},
 * {{checkTimeoutMs}}), Caddyfiles (every `timings.caddy` field, e.g. {{healthIntervalMs}}), Sentinel's directives
 * ({{downAfterMs}}, {{failoverTimeoutMs}}, {{quorum}}). Paths are absolute (the config loader resolves them).
 */
export interface StackFiles {
  /** A folder of HAProxy sections (`global.cfg`, `postgres.cfg`, `mysql.cfg`, `web.cfg`); a missing one is the built-in. */
  readonly haproxyDir?: string;
  /** A folder of Caddyfile templates: `caddyfile` (and a profile's) is looked up here first. */
  readonly caddyDir?: string;
  /** The schema run on the Postgres primary once it is up. */
  readonly postgresSchema?: string;
  /** The schema run on both MariaDB nodes. */
  readonly mysqlSchema?: string;
}

/** What a stack's own app gets to build its environment from: its site and where its dependencies are. */
export interface AppEnvironmentContext {
  readonly site: Site;
  /** The spec the stack runs (a mutant's included): map its settings (read policy, timeouts, TTL) to your env. */
  readonly spec: TopologySpec;
  /**
   * `host:port` of each dependency as this site reaches it, through its own Toxiproxy link (so a fault can cut
   * one site from one dependency): `pg-write`, `pg-read` (HAProxy's frontends), `mysql`, `redis-1`, `redis-2`.
   */
  readonly deps: Readonly<Record<string, string>>;
  readonly postgres: { readonly user: string; readonly password: string; readonly database: string };
  readonly mysql: { readonly user: string; readonly password: string; readonly database: string };
  /** Sentinels' `host:port` and the master's name, for a Sentinel-aware client. */
  readonly sentinels: readonly string[];
  readonly redisMasterName: string;
}

/**
 * A stack's own app, run in place of the built-in one on each site: an image recipe (a folder with a Dockerfile
 * that builds `FROM ${BASE_IMAGE}`, Brownout's Debian base) and its environment per site. The contract: it
 * listens on APP_PORT (8080) and answers `GET /health` with 200 when it can serve, with a JSON body
 * `{ "site": APP_SITE, "dependencies": { "<name>": { "state": "up" | "down" } } }` (dependencies optional).
 */
export interface AppImage {
  /** Image name (lowercase, digits, '-'): the image is `localhost/brownout-stack-<name>:<content hash>`. */
  readonly name: string;
  /** Absolute path of the recipe folder (the config loader resolves it). */
  readonly recipeDir: string;
  readonly environment: (ctx: AppEnvironmentContext) => Readonly<Record<string, string>>;
}

export interface TopologySpec {
  readonly slices: readonly Slice[];
  /** Nodes the stack declares beside the slices' parts, each run by its kind. */
  readonly nodes: readonly NodeDeclaration[];
  readonly files: StackFiles;
  /** The stack's own app (absent: the built-in meeting app). */
  readonly appImage?: AppImage;
  readonly timings: DetectionTimings;
  readonly margins: Margins;
  readonly app: AppSettings;
  readonly postgres: PostgresSettings;
  readonly redis: RedisSettings;
  /** Edits of the rendered HAProxy and Caddy configs (mutants). */
  readonly patches: readonly ConfigPatch[];
  /** Which Caddyfile template under fixtures/caddy/ (the harness's, or a stack's own, such as `Caddyfile.seed-003`). */
  readonly caddyfile: string;
  /** The timing profile the spec was resolved with (`fast`, `production`, ...), for reports. */
  readonly profile: string;
}

/** Fast defaults for tests: detection near one second. */
export const DEFAULT_TIMINGS: DetectionTimings = {
  sentinel: { downAfterMs: 1000, failoverTimeoutMs: 5000, quorum: 2 },
  postgres: { walReceiverTimeoutMs: 5000, walRetrieveRetryMs: 500 },
  haproxy: { interMs: 500, downInterMs: 100, fall: 2, rise: 2, checkTimeoutMs: 400 },
  caddy: { healthIntervalMs: 500, healthTimeoutMs: 400, failDurationMs: 2000, maxFails: 1, tryDurationMs: 1000, tryIntervalMs: 100, dialTimeoutMs: 300 },
  app: { depTimeoutMs: 800, healthTimeoutMs: 300 },
};

/** Any timing may be given alone: the rest of its group keeps its value. */
export type TimingOptions = { readonly [K in keyof DetectionTimings]?: Partial<DetectionTimings[K]> };

/**
 * A node a stack declares beside the built-in parts: a name of the team's choosing (`web1`, `queue`), the kind
 * that runs it (`generic`, or a kind the config registers), that kind's settings, and the nodes it starts after.
 */
export interface NodeDeclaration {
  readonly name: string;
  readonly kind: string;
  readonly settings?: unknown;
  /** Started once these declared nodes have started (their waits passed). */
  readonly after?: readonly string[];
  /**
   * Started once these declared nodes run: their containers started, their waits not awaited (compose's
   * `condition: service_started`), for a node that waits for them itself (a proxy's checks, a client's retries).
   */
  readonly afterStarted?: readonly string[];
  /** Names in after and afterStarted that a run may leave out (compose's `required: false`): waited for only where they run. */
  readonly optionalAfter?: readonly string[];
  /** Compose's profiles: the node runs only where one of them is asked for (composeProfiles); none: always. */
  readonly profiles?: readonly string[];
}

export interface SpecOptions {
  readonly slices?: readonly string[];
  /**
   * Declared nodes, started with the slices' parts. A later declaration of the same name and kind lays its
   * settings over the earlier one's (mappings such as an environment merged key by key); of another kind, replaces it.
   */
  readonly nodes?: readonly NodeDeclaration[];
  /**
   * The compose profiles whose nodes run (compose's `--profile`): a declared node with profiles runs only when one
   * is named here, so a scenario starts only the parts it is about. Nodes without profiles always run.
   */
  readonly composeProfiles?: readonly string[];
  readonly timings?: TimingOptions;
  readonly margins?: Partial<Margins>;
  readonly app?: Partial<AppSettings>;
  readonly postgres?: Partial<PostgresSettings>;
  readonly redis?: Partial<RedisSettings>;
  readonly patches?: readonly ConfigPatch[];
  readonly caddyfile?: string;
  readonly profile?: string;
  readonly files?: StackFiles;
  readonly appImage?: AppImage;
}

function mergeTimings(base: TimingOptions | undefined, over: TimingOptions | undefined): TimingOptions {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) out[k] = { ...(base?.[k as keyof DetectionTimings] ?? {}), ...v };
  return out;
}

/** `over` on top of `base`, field by field (timings within their group; patches added after base's). */
export function mergeSpecOptions(base: SpecOptions, over: SpecOptions): SpecOptions {
  return {
    ...base,
    ...over,
    timings: mergeTimings(base.timings, over.timings),
    margins: { ...base.margins, ...over.margins },
    app: { ...base.app, ...over.app },
    postgres: { ...base.postgres, ...over.postgres, replicaSettings: { ...base.postgres?.replicaSettings, ...over.postgres?.replicaSettings }, primarySettings: { ...base.postgres?.primarySettings, ...over.postgres?.primarySettings } },
    redis: { ...base.redis, ...over.redis },
    patches: [...(base.patches ?? []), ...(over.patches ?? [])],
    files: { ...base.files, ...over.files },
    nodes: mergeNodes(base.nodes ?? [], over.nodes ?? []),
    // A scenario's profiles add to the config's: each names parts that must run.
    composeProfiles: [...new Set([...(base.composeProfiles ?? []), ...(over.composeProfiles ?? [])])],
  };
}

/** The declared nodes a run starts: those without profiles, and those with one of the named profiles. */
function activeNodes(nodes: readonly NodeDeclaration[], profiles: readonly string[]): readonly NodeDeclaration[] {
  const known = [...new Set(nodes.flatMap((n) => n.profiles ?? []))];
  const unknown = profiles.filter((p) => !known.includes(p));
  if (unknown.length > 0) throw new UserError(`unknown compose profile ${unknown.map((p) => `'${p}'`).join(", ")}; the stack's profiles are: ${known.join(", ") || "none"}`);
  return nodes.filter((n) => (n.profiles ?? []).length === 0 || (n.profiles ?? []).some((p) => profiles.includes(p)));
}

/** Every node `n` starts after, waited for or only started. */
export function startsAfter(n: NodeDeclaration): readonly string[] {
  return [...(n.after ?? []), ...(n.afterStarted ?? [])];
}

/** A declaration without the optional nodes it starts after that this run leaves out. */
function withoutLeftOut(n: NodeDeclaration, running: ReadonlySet<string>): NodeDeclaration {
  const optional = n.optionalAfter ?? [];
  if (optional.length === 0) return n;
  const keep = (names: readonly string[] | undefined) => names?.filter((a) => running.has(a) || !optional.includes(a));
  return { ...n, after: keep(n.after) ?? [], afterStarted: keep(n.afterStarted) ?? [] };
}

/** A circle in the nodes' `after` (each name, back to the first), or null. */
function startCycle(nodes: readonly NodeDeclaration[]): string[] | null {
  const after = new Map(nodes.map((n) => [n.name, startsAfter(n)]));
  const visit = (name: string, path: string[]): string[] | null => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    for (const next of after.get(name) ?? []) {
      const found = visit(next, [...path, name]);
      if (found) return found;
    }
    return null;
  };
  for (const n of nodes) {
    const found = visit(n.name, []);
    if (found) return found;
  }
  return null;
}

/** `over`'s declarations on top of `base`'s: same name, replaced in place; new names, added after. */
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Settings laid over settings: a key of both whose values are mappings (an environment) is merged key by key. */
function overlaySettings(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over ?? base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(base[k]) ? { ...base[k], ...v } : v;
  return out;
}

/**
 * A later declaration of a node already declared: of the same kind, its settings are laid over the earlier ones
 * (a mutant changes one environment variable of a compose service without restating it); of another kind, it
 * replaces the node.
 */
function mergeNodes(base: readonly NodeDeclaration[], over: readonly NodeDeclaration[]): NodeDeclaration[] {
  const out = base.map((n) => {
    const o = over.find((x) => x.name === n.name);
    if (!o) return n;
    if (o.kind !== n.kind) return o;
    const settings = overlaySettings(n.settings, o.settings);
    return { ...n, ...o, ...(settings === undefined ? {} : { settings }) };
  });
  return [...out, ...over.filter((o) => !base.some((n) => n.name === o.name))];
}

export function resolveSpec(partial: SpecOptions = {}): TopologySpec {
  const slices = partial.slices ?? SLICES;
  const unknown = slices.filter((s) => !(SLICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UserError(`unknown topology slice ${unknown.map((u) => `'${u}'`).join(", ")}; slices are: ${SLICES.join(", ")}`);
  }
  const t = partial.timings ?? {};
  const timings = Object.fromEntries(Object.entries(DEFAULT_TIMINGS).map(([k, v]) => [k, { ...v, ...t[k as keyof DetectionTimings] }])) as unknown as DetectionTimings;
  const active = activeNodes(partial.nodes ?? [], partial.composeProfiles ?? []);
  const running = new Set(active.map((n) => n.name));
  const nodes = active.map((n) => withoutLeftOut(n, running));
  const names = new Set<string>();
  for (const n of nodes) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(n.name)) throw new UserError(`a node's name is lowercase letters, digits and '-', not '${n.name}'`);
    if ((NODE_ROLES as readonly string[]).includes(n.name)) throw new UserError(`node '${n.name}': the name is a built-in part's; built-in names are: ${NODE_ROLES.join(", ")}`);
    if (names.has(n.name)) throw new UserError(`two nodes are named '${n.name}': names must be unique`);
    names.add(n.name);
  }
  for (const n of nodes) {
    const unknownAfter = startsAfter(n).filter((a) => !names.has(a));
    const leftOut = unknownAfter.map((a) => (partial.nodes ?? []).find((d) => d.name === a)).filter((d) => d !== undefined);
    if (leftOut.length > 0) throw new UserError(`node '${n.name}' starts after ${leftOut.map((d) => `'${d.name}' (profiles ${(d.profiles ?? []).join(", ")})`).join(", ")}, which this run does not start; name one of its profiles in composeProfiles`);
    if (unknownAfter.length > 0) throw new UserError(`node '${n.name}' starts after ${unknownAfter.map((a) => `'${a}'`).join(", ")}, not a declared node; nodes are: ${[...names].join(", ")}`);
  }
  const cycle = startCycle(nodes);
  if (cycle) throw new UserError(`nodes start after each other in a circle: ${cycle.join(" → ")}`);
  return {
    slices: slices as Slice[],
    nodes,
    files: partial.files ?? {},
    ...(partial.appImage ? { appImage: partial.appImage } : {}),
    timings,
    margins: { ...DEFAULT_MARGINS, ...partial.margins },
    app: { ...DEFAULT_APP, ...partial.app },
    postgres: { synchronous: partial.postgres?.synchronous ?? false, replicaSettings: partial.postgres?.replicaSettings ?? {}, primarySettings: partial.postgres?.primarySettings ?? {}, db2: partial.postgres?.db2 ?? false, walVolumeMb: partial.postgres?.walVolumeMb ?? 0 },
    redis: { ...DEFAULT_REDIS, ...partial.redis },
    patches: partial.patches ?? [],
    caddyfile: partial.caddyfile ?? "Caddyfile",
    profile: partial.profile ?? "fast",
  };
}

/** HAProxy fronts the databases and the sites: it runs whenever any slice but redis alone does. */
export function hasHaproxy(spec: TopologySpec): boolean {
  return spec.slices.some((s) => s !== "redis");
}

export function rolesOf(spec: TopologySpec): NodeRole[] {
  const db2 = spec.postgres.db2 && spec.slices.includes("postgres") ? (["pg-db2"] as const) : [];
  return ["toxiproxy", ...spec.slices.flatMap((s) => SLICE_ROLES[s]), ...db2, ...(hasHaproxy(spec) ? (["haproxy"] as const) : [])];
}

/** Every node of a topology by name: the built-in parts' roles, then the declared nodes. */
export function nodeNamesOf(spec: TopologySpec): string[] {
  return [...rolesOf(spec), ...spec.nodes.map((n) => n.name)];
}

export function assertRole(spec: TopologySpec, name: string): NodeRole {
  const roles = rolesOf(spec);
  // A declared node: its name is the team's (typed as a role for the fault code that takes either).
  if (spec.nodes.some((n) => n.name === name)) return name as NodeRole;
  if (!(roles as string[]).includes(name)) {
    const known = (NODE_ROLES as readonly string[]).includes(name);
    throw new UserError(
      known
        ? `role '${name}' is not in this topology (slices: ${spec.slices.join(", ")}); its roles are: ${roles.join(", ")}`
        : `unknown role '${name}'; roles are: ${NODE_ROLES.join(", ")}${spec.nodes.length > 0 ? `; declared nodes are: ${spec.nodes.map((n) => n.name).join(", ")}` : ""}`,
    );
  }
  return name as NodeRole;
}
