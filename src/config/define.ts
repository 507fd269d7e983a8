import type { Profile } from "../cluster/profiles.js";
import type { AppImage, SpecOptions, StackFiles } from "../cluster/topology.js";
import type { CheckResult } from "../assertions/check.js";
import type { Evidence, Scenario } from "../scenario/define.js";
import type { SoakFault } from "../scenario/soak.js";
import type { NodeKind } from "../nodes/kind.js";

/**
 * What a team writes in `brownout.config.ts`: its stack (the parts that run and their settings), its own config
 * files, its timing profiles, and where its scenarios are. Paths are relative to the config file.
 */
export interface BrownoutConfig {
  /** The stack's name in reports (Allure groups results by it). */
  readonly name: string;
  /**
   * The scenarios, in the order a full run takes them: scenario objects, or files and globs of files whose
   * default export is a scenario (or an array of them), e.g. `"scenarios/*.scenario.ts"`.
   */
  readonly scenarios: readonly (Scenario | string)[];
  /**
   * Node kinds of the team's own (a folder each, through the same door as the built-in ones): the stack's
   * `nodes` name them by `kind`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind checks its own settings
  readonly kinds?: readonly NodeKind<any>[];
  /**
   * The team's docker-compose.yml (relative to the config): each service becomes a node of the generic kind,
   * named after it, beside `stack.nodes`.
   */
  readonly compose?: string;
  /** Settings every scenario's topology starts from (a scenario's own `topology` goes on top); `nodes` declares the team's own servers. */
  readonly stack?: Omit<SpecOptions, "files" | "profile" | "appImage">;
  /**
   * The stack's own app, run on each site in place of the built-in one: `recipe` is a folder (relative to the
   * config) whose Dockerfile builds `FROM ${BASE_IMAGE}`; `environment` maps each site's dependency addresses and
   * the spec's settings to the app's variables. See AppImage for the contract (port, /health).
   */
  readonly app?: { readonly name: string; readonly recipe: string; readonly environment: AppImage["environment"] };
  /** The stack's own HAProxy sections, Caddyfiles and SQL schemas; each missing one is the built-in. */
  readonly files?: StackFiles;
  /** Timing profiles beside the built-in `fast` and `production` (a name given twice replaces the built-in). */
  readonly profiles?: Readonly<Record<string, Omit<Profile, "name">>>;
  /** Where reports go (default `reports/` in the working directory; BROWNOUT_REPORTS_DIR wins). */
  readonly reportsDir?: string;
  /** What `brownout chaos --soak <duration> --seed S` runs: a base scenario and the faults a schedule draws from. */
  readonly soak?: SoakDefinition;
}

/** A long randomized run: the base scenario's topology, workload and checks, with a seeded schedule of faults. */
export interface SoakDefinition {
  readonly base: Scenario;
  readonly catalog: readonly SoakFault[];
  /** Time between two draws, in [min, max] ms. */
  readonly gapMs: readonly [number, number];
  /** Checks over the whole history besides the base's (per-fault windows, say). */
  readonly checks?: (e: Evidence) => CheckResult[];
}

/** The keys a config may have: an unknown one is an error naming these. */
export const CONFIG_KEYS = ["name", "scenarios", "kinds", "compose", "stack", "files", "app", "profiles", "reportsDir", "soak"] as const satisfies readonly (keyof BrownoutConfig)[];

/** Types a config (as Vitest's and Playwright's `defineConfig` do): returns it unchanged. */
export function defineConfig(config: BrownoutConfig): BrownoutConfig {
  return config;
}
