import { type ParseArgsConfig, parseArgs } from "node:util";
import { EXIT_USAGE, UserError } from "../errors.js";
import { type Shard, parseShard } from "../scenario/select.js";

export interface ChaosArgs {
  readonly names: readonly string[];
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
  readonly repeat: number;
  readonly seed: number;
  readonly shard: Shard | null;
  /** `--mutants` (all) or `--mutants=a,b`: mutation testing of the selected scenarios. */
  readonly mutants: { readonly only: readonly string[] | null } | null;
  /** `--profile <name>`: the timing profile (default fast); checked against the config's profiles. */
  readonly profile: string;
  /** `--config <file>` (default: brownout.config.ts, .mts, .js or .mjs in the working directory). */
  readonly config: string | undefined;
  /** `--soak <duration>`: one long run under the config's seeded fault schedule (ms). */
  readonly soakMs: number | null;
}

/** `90s`, `10m`, `1h`, `500ms`: a duration in ms. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw usage(`${flag} needs a duration such as 90s, 10m or 1h, got '${value}'`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}

export const CHAOS_USAGE = `usage: brownout chaos [<scenario>...] [--config F] [--list] [--dry-run] [--repeat N] [--seed S] [--shard i/n] [--profile P] [--mutants[=a,b]] [--soak D]

  <scenario>       run only these (default: all, in the config's order)
  --config F       the config file (default: brownout.config.ts|.mts|.js|.mjs in the working directory)
  --list           print the scenario names, one per line (with --mutants: scenario and mutant pairs)
  --dry-run        print each scenario's topology and fault timeline; start nothing
  --repeat N       run each scenario N times (default 1)
  --seed S         seed for ids and workload choices (default 1)
  --shard i/n      run the i-th of n deterministic parts of the list (for a CI job matrix)
  --profile P      timing profile: fast (default, detection near one second), production (the seed stacks'
                   own settings: Caddy's GRA/SBG block, HAProxy's defaults, Sentinel's 30 s down-after, ...),
                   or one the config defines
  --mutants[=a,b]  mutation testing: run each selected scenario once per mutant it declares (or only the named
                   mutants) and report the kill rate; a mutant under which the scenario stays green fails the run
  --soak D         one long run (D: 90s, 10m, 1h) of the config's soak: its workload throughout, faults drawn
                   from its catalog on a schedule seeded by --seed (the same seed, the same schedule)
`;

const usage = (message: string, hint = "brownout chaos --help") => new UserError(message, { exitCode: EXIT_USAGE, hint });

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usage(`${flag} needs an integer ≥ ${String(min)}, got '${value}'`);
  return n;
}

const OPTIONS = {
  config: { type: "string" },
  list: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  repeat: { type: "string" },
  seed: { type: "string" },
  shard: { type: "string" },
  profile: { type: "string" },
  mutants: { type: "boolean" },
  "mutant-names": { type: "string" },
  soak: { type: "string" },
} as const;

/** Valid flags, for the error an unknown one gets. */
export const CHAOS_FLAGS = Object.keys(OPTIONS).filter((k) => k !== "mutant-names").map((k) => `--${k}`);

/** node's parseArgs, with its error turned into a usage error that names the valid flags. */
export function parseOrUsage<T extends ParseArgsConfig>(config: T, hint: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>(config);
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    const flags = Object.keys(config?.options ?? {}).filter((k) => k !== "mutant-names").map((k) => `--${k}`).join(", ");
    throw usage(`${message.charAt(0).toLowerCase()}${message.slice(1)}; options are: ${flags}`, hint);
  }
}

export function parseChaosArgs(argv: readonly string[]): ChaosArgs {
  // `--mutants` alone takes no value (a name after it stays a scenario), `--mutants=a,b` does: parseArgs has no
  // optional values, so the `=` form is read as its own option.
  const args = argv.map((a) => (a.startsWith("--mutants=") ? `--mutant-names=${a.slice("--mutants=".length)}` : a));
  const { values, positionals } = parseOrUsage({ args, options: OPTIONS, allowPositionals: true, strict: true } as const, "brownout chaos --help");
  let shard: Shard | null = null;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (e) {
      throw usage((e as Error).message);
    }
  }
  let mutants: ChaosArgs["mutants"] = null;
  if (values["mutant-names"] !== undefined) {
    const only = values["mutant-names"].split(",").map((m) => m.trim()).filter(Boolean);
    if (only.length === 0) throw usage("--mutants= needs mutant names, e.g. --mutants=cache-no-ttl,no-dep-timeout");
    mutants = { only };
  } else if (values.mutants) mutants = { only: null };
  if (values.profile === "") throw usage("--profile needs a name");
  return {
    names: positionals,
    list: values.list ?? false,
    dryRun: values["dry-run"] ?? false,
    help: values.help ?? false,
    repeat: integer("--repeat", values.repeat, 1, 1),
    seed: integer("--seed", values.seed, 1, 0),
    shard,
    mutants,
    profile: values.profile ?? "fast",
    config: values.config,
    soakMs: values.soak === undefined ? null : parseDuration("--soak", values.soak),
  };
}
