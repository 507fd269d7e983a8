import { PROFILE_NAMES } from "../cluster/profiles.js";
import { EXIT_USAGE, UserError } from "./errors.js";
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
  /** `--profile fast|production`: the timing profile (default fast). */
  readonly profile: string;
}

export const CHAOS_USAGE = `usage: npm run chaos -- [<scenario>...] [--list] [--dry-run] [--repeat N] [--seed S] [--shard i/n] [--profile P] [--mutants[=a,b]]

  <scenario>       run only these (default: all, in registry order)
  --list           print the scenario names, one per line (with --mutants: scenario and mutant pairs)
  --dry-run        print each scenario's topology and fault timeline; start nothing
  --repeat N       run each scenario N times (default 1)
  --seed S         seed for ids and workload choices (default 1)
  --shard i/n      run the i-th of n deterministic parts of the list (for a CI job matrix)
  --profile P      timing profile: fast (default, detection near one second) or production (the seed stacks'
                   own settings: Caddy's GRA/SBG block, HAProxy's defaults, Sentinel's 30 s down-after, ...)
  --mutants[=a,b]  mutation testing: run each selected scenario once per mutant it declares (or only the named
                   mutants) and report the kill rate; a mutant under which the scenario stays green fails the run
`;

const usage = (message: string) => new UserError(message, { exitCode: EXIT_USAGE, hint: "npm run chaos -- --help" });

function positiveInt(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw usage(`${flag} needs an integer ≥ ${String(min)}, got '${value ?? ""}'`);
  return n;
}

export function parseChaosArgs(argv: readonly string[]): ChaosArgs {
  const names: string[] = [];
  let list = false;
  let dryRun = false;
  let help = false;
  let repeat = 1;
  let seed = 1;
  let shard: Shard | null = null;
  let mutants: ChaosArgs["mutants"] = null;
  let profile = "fast";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--list":
        list = true;
        break;
      case "--dry-run":
        dryRun = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--repeat":
        repeat = positiveInt("--repeat", value(), 1);
        break;
      case "--seed":
        seed = positiveInt("--seed", value(), 0);
        break;
      case "--profile": {
        const v = value();
        if (v === undefined) throw usage(`--profile needs a name: ${PROFILE_NAMES.join(", ")}`);
        if (!(PROFILE_NAMES as readonly string[]).includes(v)) throw usage(`unknown profile '${v}'; profiles are: ${PROFILE_NAMES.join(", ")}`);
        profile = v;
        break;
      }
      case "--mutants": {
        // Only the `=` form takes a value: a bare name after --mutants stays a scenario name.
        const only = inline === undefined ? null : inline.split(",").map((m) => m.trim()).filter(Boolean);
        if (only?.length === 0) throw usage("--mutants= needs mutant names, e.g. --mutants=cache-no-ttl,no-dep-timeout");
        mutants = { only };
        break;
      }
      case "--shard": {
        const v = value();
        if (v === undefined) throw usage("--shard needs i/n");
        try {
          shard = parseShard(v);
        } catch (e) {
          throw usage((e as Error).message);
        }
        break;
      }
      default:
        if (flag.startsWith("-")) throw usage(`unknown option '${flag}'`);
        names.push(flag);
    }
  }
  return { names, list, dryRun, help, repeat, seed, shard, mutants, profile };
}
