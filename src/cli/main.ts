#!/usr/bin/env node
// First: testcontainers reads its environment (reaper image, host) once, when it is first imported.
import "../images/testcontainers-setup.js";
import { EXIT_USAGE, UserError } from "../errors.js";
import { parseOrUsage } from "./chaos-args.js";
import { chaosCommand } from "./chaos-command.js";
import { runCli } from "./errors.js";
import { bridgeRequireOfBrownout } from "./require-bridge.js";

export const USAGE = `usage: brownout <command> [options]    (brownout <command> --help for each)

commands:
  chaos [<scenario>...]   run the chaos suite (or the named scenarios) on real containers; --mutants for mutation testing
  list                    print the config's scenario names (with --mutants: scenario × mutant pairs)
  dry-run [<scenario>...] print each scenario's topology and fault timeline; start nothing
  images [<role>...]      build the missing images from their recipes
  engine                  make sure a Docker engine answers (set one up where Brownout may)
  clean                   remove what a killed run left behind (containers, networks, volumes; --images)
  report [<dir>...]       merge runs' (shards') results into one summary.json and Allure report
  compare <run>...        print runs side by side: writes lost, downtime against its bound, recovery
  bench [<section>...]    run the benchmarks (images, topology, app, probe) into reports/bench.json

Scenario commands read brownout.config.ts (or .mts, .js, .mjs) in the working directory, or --config <file>.
`;

const COMMANDS: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  chaos: (a) => chaosCommand(a, "chaos"),
  list: (a) => chaosCommand(a, "list"),
  "dry-run": (a) => chaosCommand(a, "dry-run"),
  images: async (a) => (await import("./images-command.js")).imagesCommand(a),
  engine: async (a) => {
    const { values } = parseOrUsage({ args: [...a], options: { help: { type: "boolean", short: "h" } } } as const, "brownout engine --help");
    if (values.help) {
      process.stdout.write("usage: brownout engine\nMakes sure a Docker engine answers; installs and starts Debian's docker.io as root where none does.\n");
      return 0;
    }
    return (await import("./engine-command.js")).engineCommand();
  },
  clean: async (a) => (await import("./clean-command.js")).cleanCommand(a),
  report: async (a) => (await import("./report-command.js")).reportCommand(a),
  compare: async (a) => (await import("./compare-command.js")).compareCommand(a),
  bench: async (a) => {
    // The benchmarks are a script of their own (they read their sections from argv).
    process.argv = [process.argv[0] ?? "node", "brownout-bench", ...a];
    await import(new URL("../../bench/run.js", import.meta.url).href);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  },
};

const CONFIG_COMMANDS = new Set(["chaos", "list", "dry-run", "images"]);

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT_USAGE : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    const kind = command.startsWith("-") ? "option" : "command";
    throw new UserError(`unknown ${kind} '${command}'; commands are: ${Object.keys(COMMANDS).join(", ")}`, { exitCode: EXIT_USAGE, hint: "brownout --help" });
  }
  // Commands that load a team's config: its `require("brownout")` (a CommonJS project) is this Brownout.
  if (CONFIG_COMMANDS.has(command)) bridgeRequireOfBrownout(await import("../index.js"));
  return run(rest);
}

await runCli(() => main(process.argv.slice(2)));
