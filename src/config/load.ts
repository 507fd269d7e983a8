import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { glob } from "tinyglobby";
import { PROFILES, type Profile } from "../cluster/profiles.js";
import type { AppImage, NodeDeclaration, SpecOptions, StackFiles } from "../cluster/topology.js";
import { EXIT_USAGE, UserError } from "../errors.js";
import type { Scenario } from "../scenario/define.js";
import { ScenarioRegistry } from "../scenario/registry.js";
import type { NodeKind } from "../nodes/kind.js";
import { nodeKind, registerNodeKind } from "../nodes/registry.js";
import { nodesFromCompose } from "../nodes/compose.js";
// The kinds Brownout ships, registered before a config names them.
import "../kinds/index.js";
import { type BrownoutConfig, CONFIG_KEYS, type SoakDefinition } from "./define.js";

/** Looked for in the working directory, in this order, when no --config is given. */
export const CONFIG_FILES = ["brownout.config.ts", "brownout.config.mts", "brownout.config.js", "brownout.config.mjs"] as const;

/** A config with its paths resolved and its scenarios loaded: what the runner and the CLI use. */
export interface LoadedConfig {
  readonly name: string;
  /** The config file, absolute. */
  readonly file: string;
  readonly registry: ScenarioRegistry;
  /** The stack's settings under every scenario's own, its files' paths absolute. */
  readonly stack: SpecOptions;
  /** Built-in profiles and the config's own, by name. */
  readonly profiles: Readonly<Record<string, Profile>>;
  readonly reportsDir: string | undefined;
  readonly soak: SoakDefinition | undefined;
}

/** The config file to load: the one given (it must exist), else the first of CONFIG_FILES in `cwd`. */
export function findConfig(given: string | undefined, cwd: string = process.cwd()): string {
  if (given) {
    const file = resolve(cwd, given);
    if (!existsSync(file)) throw new UserError(`config file '${given}' not found (looked at ${file})`, { exitCode: EXIT_USAGE });
    return file;
  }
  const found = CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (!found) {
    throw new UserError(`no config file in ${cwd}: looked for ${CONFIG_FILES.join(", ")}`, {
      exitCode: EXIT_USAGE,
      hint: "write a brownout.config.ts (see README, 'Test your own stack'), or pass --config <file>",
    });
  }
  return found;
}

/** Imports a TypeScript or JavaScript module through tsx's loader (a runtime dependency, as Vitest's is). */
async function importModule(file: string, parent: string): Promise<Record<string, unknown>> {
  try {
    return (await tsImport(pathToFileURL(file).href, pathToFileURL(parent).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`cannot load ${file}: ${(e as Error).message.split("\n")[0] ?? ""}`, { cause: e, hint: "set BROWNOUT_DEBUG=1 for the stack trace" });
  }
}

function isScenario(x: unknown): x is Scenario {
  return typeof x === "object" && x !== null && typeof (x as Scenario).name === "string" && typeof (x as Scenario).inject === "function";
}

/**
 * A module's default export, whether it loaded as ESM or as CommonJS (a `.ts` file in a project without
 * `"type": "module"` is compiled to CommonJS: its `export default` lands on `module.exports.default`).
 */
function defaultExport(mod: Record<string, unknown>): unknown {
  const d = mod.default;
  return typeof d === "object" && d !== null && "__esModule" in d && "default" in d ? (d as { default: unknown }).default : d;
}

/** A module's scenarios: its default export, a scenario or an array of them. */
function scenariosOf(mod: Record<string, unknown>, file: string): Scenario[] {
  const d = defaultExport(mod);
  const list = Array.isArray(d) ? d : [d];
  if (list.length === 0 || !list.every(isScenario)) throw new UserError(`${file}: its default export must be a scenario (defineScenario) or an array of them`);
  return list;
}

/** How a module is imported: tsx's loader by default; a test runner passes its own (so modules are not loaded twice). */
export type ModuleImporter = (file: string) => Promise<Record<string, unknown>>;

async function loadScenarios(entries: BrownoutConfig["scenarios"], file: string, importer: ModuleImporter): Promise<Scenario[]> {
  const dir = dirname(file);
  const out: Scenario[] = [];
  for (const entry of entries) {
    if (typeof entry !== "string") {
      if (!isScenario(entry)) throw new UserError(`${file}: 'scenarios' holds something that is neither a scenario nor a path`);
      out.push(entry);
      continue;
    }
    // A glob's matches in a stable order, so the registry order (and the shards) never depend on the file system.
    const files = (await glob(entry, { cwd: dir, absolute: true })).sort();
    if (files.length === 0) throw new UserError(`${file}: scenarios '${entry}' matched no file under ${dir}`);
    for (const f of files) out.push(...scenariosOf(await importer(f), f));
  }
  return out;
}

function absoluteFiles(files: StackFiles | undefined, dir: string): StackFiles {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files ?? {}) as [string, string][]) {
    const path = isAbsolute(v) ? v : resolve(dir, v);
    if (!existsSync(path)) throw new UserError(`config: files.${k} '${v}' does not exist (looked at ${path})`);
    out[k] = path;
  }
  return out;
}

function appImageOf(app: NonNullable<BrownoutConfig["app"]>, dir: string, file: string): AppImage {
  const recipeDir = resolve(dir, app.recipe);
  if (!existsSync(join(recipeDir, "Dockerfile"))) throw new UserError(`${file}: app.recipe '${app.recipe}' has no Dockerfile (looked in ${recipeDir})`);
  if (typeof app.environment !== "function") throw new UserError(`${file}: app.environment must be a function of the site's context`);
  return { name: app.name, recipeDir, environment: app.environment };
}

/** The config's declared nodes: its compose file's services, then `stack.nodes`, their paths from the config's folder. */
function nodesOf(config: BrownoutConfig, dir: string, file: string): { nodes?: NodeDeclaration[] } {
  const composeFile = config.compose === undefined ? undefined : resolve(dir, config.compose);
  if (composeFile !== undefined && !existsSync(composeFile)) throw new UserError(`${file}: compose file '${config.compose ?? ""}' does not exist (looked at ${composeFile})`);
  const relative = (n: NodeDeclaration, from: string): NodeDeclaration => ({ ...n, settings: nodeKind(n.kind).relativeTo?.(n.settings, from) ?? n.settings });
  // A compose service's kind settings name files from the compose file's folder, as its volumes do.
  const nodes = [...(composeFile ? nodesFromCompose(composeFile).map((n) => relative(n, dirname(composeFile))) : []), ...(config.stack?.nodes ?? []).map((n) => relative(n, dir))];
  return nodes.length > 0 ? { nodes } : {};
}

/** Checks a config's shape, naming the valid keys for an unknown one. */
export function validateConfig(raw: unknown, file: string): BrownoutConfig {
  if (typeof raw !== "object" || raw === null) throw new UserError(`${file}: the default export must be a config (defineConfig({...}))`);
  const unknown = Object.keys(raw).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new UserError(`${file}: unknown config key ${unknown.map((k) => `'${k}'`).join(", ")}; keys are: ${CONFIG_KEYS.join(", ")}`);
  const c = raw as BrownoutConfig;
  if (typeof c.name !== "string" || c.name === "") throw new UserError(`${file}: 'name' must be a non-empty string`);
  if (!Array.isArray(c.scenarios)) throw new UserError(`${file}: 'scenarios' must be an array of scenarios, files or globs`);
  const fileKeys = ["haproxyDir", "caddyDir", "postgresSchema", "mysqlSchema"];
  const badFiles = Object.keys(c.files ?? {}).filter((k) => !fileKeys.includes(k));
  if (badFiles.length > 0) throw new UserError(`${file}: unknown files key ${badFiles.map((k) => `'${k}'`).join(", ")}; keys are: ${fileKeys.join(", ")}`);
  return c;
}

/** Loads and resolves a config (from a file, or one already imported, as this repo's tests do). */
export async function loadConfig(options: { file?: string; cwd?: string; config?: BrownoutConfig; importer?: ModuleImporter } = {}): Promise<LoadedConfig> {
  const file = options.config && options.file ? resolve(options.file) : findConfig(options.file, options.cwd);
  const raw = options.config ?? defaultExport(await importModule(file, file));
  const config = validateConfig(raw, file);
  const dir = dirname(file);
  // The team's kinds, before its scenarios load: a scenario's topology may name them.
  for (const kind of config.kinds ?? []) registerNodeKind(kind as NodeKind);
  const scenarios = await loadScenarios(config.scenarios, file, options.importer ?? ((f) => importModule(f, file)));
  const own = Object.fromEntries(Object.entries(config.profiles ?? {}).map(([name, p]) => [name, { ...p, name, options: { ...p.options, profile: name } }]));
  return {
    name: config.name,
    file,
    registry: new ScenarioRegistry(scenarios),
    stack: { ...config.stack, ...nodesOf(config, dir, file), files: absoluteFiles(config.files, dir), ...(config.app ? { appImage: appImageOf(config.app, dir, file) } : {}) },
    profiles: { ...PROFILES, ...own },
    reportsDir: config.reportsDir === undefined ? undefined : resolve(dir, config.reportsDir),
    soak: config.soak,
  };
}
