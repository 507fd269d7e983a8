import { EXIT_USAGE, UserError } from "../errors.js";

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `i/n`, 1-based, i ≤ n. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UserError(`--shard '${value}' must be i/n with 1 ≤ i ≤ n, e.g. 2/4`, { exitCode: EXIT_USAGE });
  return { index, count };
}

/** The scenarios asked for (all when none named), in registry order; unknown names list the valid ones. */
export function selectScenarios(all: readonly string[], asked: readonly string[]): string[] {
  const unknown = asked.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw new UserError(`unknown scenario ${unknown.map((u) => `'${u}'`).join(", ")}; scenarios are:\n  ${all.join("\n  ")}`, { exitCode: EXIT_USAGE });
  }
  return asked.length === 0 ? [...all] : all.filter((n) => asked.includes(n));
}

/** Deterministic split: scenario k (in registry order) goes to shard (k mod n) + 1, so shards balance by count. */
export function shardOf(names: readonly string[], shard: Shard | null): string[] {
  return shard ? names.filter((_, k) => k % shard.count === shard.index - 1) : [...names];
}

/** What a chaos run is asked to do, as the CLI passes it to the test runner through the environment. */
export interface Selection {
  readonly names: readonly string[];
  readonly repeat: number;
  readonly seed: number;
  /**
   * Mutation testing instead of the plain run: each selected scenario once per mutant it declares (all of them,
   * or only these names). Absent: no mutant runs.
   */
  readonly mutants?: { readonly only: readonly string[] | null };
  /** Run the scenarios themselves (default true; `--mutants` runs only the mutants). */
  readonly plain?: boolean;
  /** The timing profile (default fast). */
  readonly profile?: string;
}

/** The (scenario, mutant) pairs a mutation run takes, in registry order; unknown mutant names list the valid ones. */
export function selectMutants<T extends { readonly name: string; readonly mutants: readonly { readonly name: string }[] }>(scenarios: readonly T[], only: readonly string[] | null): { scenario: T; mutant: T["mutants"][number] }[] {
  const all = [...new Set(scenarios.flatMap((s) => s.mutants.map((m) => m.name)))];
  const unknown = (only ?? []).filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw new UserError(`unknown mutant ${unknown.map((u) => `'${u}'`).join(", ")} for these scenarios; their mutants are:\n  ${all.join("\n  ")}`, { exitCode: EXIT_USAGE });
  }
  return scenarios.flatMap((scenario) => scenario.mutants.filter((m) => !only || only.includes(m.name)).map((mutant) => ({ scenario, mutant })));
}

export const SELECTION_ENV = "BROWNOUT_CHAOS_SELECTION";

export function selectionFromEnv(all: readonly string[], env: NodeJS.ProcessEnv = process.env): Selection {
  const raw = env[SELECTION_ENV];
  // `npm test`: the whole gate, every scenario and then every mutant, so each run proves the suite can go red.
  if (!raw) return { names: [...all], repeat: 1, seed: 1, plain: true, mutants: { only: null } };
  const parsed = JSON.parse(raw) as Selection;
  return {
    names: selectScenarios(all, parsed.names),
    repeat: parsed.repeat,
    seed: parsed.seed,
    plain: parsed.plain ?? !parsed.mutants,
    profile: parsed.profile ?? "fast",
    ...(parsed.mutants ? { mutants: parsed.mutants } : {}),
  };
}
