import { imageRolesOf } from "../kinds/app/image.js";
import { PROFILES } from "../cluster/profiles.js";
import type { TopologySpec } from "../cluster/topology.js";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { EXIT_USAGE, UserError } from "../errors.js";
import { prepareDeclaredNodes } from "../nodes/start.js";
import { deployedSpecs, suiteRuns } from "../runner/suite.js";
import { parseOrUsage } from "./chaos-args.js";
import { DEFAULT_ROLES, ROLES, type Role, isRole, recipe } from "../images/catalog.js";
import { imageTag } from "../images/recipe-hash.js";
import { ensureEngine } from "../images/engine.js";
import { ensureImages } from "../images/ensure-images.js";
import { plainProgress, resultTable, ttyProgress } from "../images/progress.js";

export const IMAGES_USAGE = `usage: brownout images [role...] [--config <file>] [--list | --list-tags]
Builds the images of the given roles (default: every role but benchmark baselines) that are missing.
  --config F    the images a config's scenarios and their mutants run, its own app's included (ahead of a run)
  --list        the roles, one per line
  --list-tags   the server images' tags for these recipes, one per line (to copy them to another engine)`;

/** The stacks a config's runs deploy: each scenario, plain and under each of its mutants, in the default profile. */
function configSpecs(config: LoadedConfig): TopologySpec[] {
  return deployedSpecs(suiteRuns({ config, names: config.registry.names, repeat: 1, plain: true, mutants: { only: null } }), { profile: PROFILES.fast, config });
}

/** `brownout images`: build whatever is missing, with progress, then a table of what there is. */
export async function imagesCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals: args } = parseOrUsage(
    { args: [...argv], options: { config: { type: "string" }, list: { type: "boolean" }, "list-tags": { type: "boolean" }, help: { type: "boolean", short: "h" } }, allowPositionals: true } as const,
    "brownout images --help",
  );
  if (values.help) {
    process.stdout.write(`${IMAGES_USAGE}\n`);
    return 0;
  }
  // A config's images: every scenario's and mutant's topology, its own app built from its recipe.
  const specs = values.config === undefined ? [] : configSpecs(await loadConfig({ file: values.config }));
  const configRoles = [...new Set(specs.flatMap((spec) => imageRolesOf(spec)))];
  if (values.list) {
    process.stdout.write(`${(values.config === undefined ? ROLES : configRoles).join("\n")}\n`);
    return 0;
  }
  if (values["list-tags"]) {
    process.stdout.write(`${DEFAULT_ROLES.filter((r) => recipe(r).purpose === "server").map((r) => imageTag(r)).join("\n")}\n`);
    return 0;
  }
  const unknown = args.filter((a) => !isRole(a));
  if (unknown.length > 0) {
    throw new UserError(`unknown role${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `'${u}'`).join(", ")}; roles are: ${ROLES.join(", ")}`, {
      exitCode: EXIT_USAGE,
    });
  }
  const roles: readonly Role[] = values.config !== undefined ? [...new Set([...configRoles, ...(args as Role[])])] : args.length > 0 ? (args as Role[]) : DEFAULT_ROLES;
  await ensureEngine();
  // A config's declared nodes: each kind builds or finds its image (a build context on Brownout's base).
  if (values.config !== undefined) await prepareDeclaredNodes(specs, (line) => process.stderr.write(`${line}\n`));

  const live = process.stderr.isTTY && !process.env.CI ? ttyProgress(process.stderr) : undefined;
  const t0 = performance.now();
  try {
    const results = await ensureImages({
      roles,
      onEvent: live?.onEvent ?? plainProgress((text) => process.stderr.write(text)),
    });
    live?.stop();
    process.stdout.write(`${resultTable(results)}\n`);
    process.stdout.write(`images ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    live?.stop();
  }
}
