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
}

export const CHAOS_USAGE = `usage: npm run chaos -- [<scenario>...] [--list] [--dry-run] [--repeat N] [--seed S] [--shard i/n]

  <scenario>   run only these (default: all, in registry order)
  --list       print the scenario names, one per line
  --dry-run    print each scenario's topology and fault timeline; start nothing
  --repeat N   run each scenario N times (default 1)
  --seed S     seed for ids and workload choices (default 1)
  --shard i/n  run the i-th of n deterministic parts of the list (for a CI job matrix)
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
  return { names, list, dryRun, help, repeat, seed, shard };
}
