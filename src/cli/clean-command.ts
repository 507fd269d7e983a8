import { parseOrUsage } from "./chaos-args.js";
import { clean } from "../images/clean.js";
import { dockerClient, probeEngine } from "../images/engine.js";

export const CLEAN_USAGE = `usage: brownout clean [--run <id>] [--images | --all-images]
Removes the containers, networks and volumes labelled brownout.run (every run's, or one run's with --run).
--images also removes Brownout images older than the current recipes; --all-images removes every one.`;

/** `brownout clean`: what an older or killed run left behind. */
export async function cleanCommand(args: readonly string[]): Promise<number> {
  const { values } = parseOrUsage(
    { args: [...args], options: { run: { type: "string" }, images: { type: "boolean" }, "all-images": { type: "boolean" }, help: { type: "boolean", short: "h" } } } as const,
    "brownout clean --help",
  );
  if (values.help) {
    process.stdout.write(`${CLEAN_USAGE}\n`);
    return 0;
  }
  const status = await probeEngine();
  if (status.kind === "down") {
    // Nothing can be left in an engine that does not run; never start one just to clean it.
    process.stdout.write(`no Docker engine answers at ${status.endpoint}: nothing to clean\n`);
    return 0;
  }
  const result = await clean(dockerClient(), {
    ...(values.run ? { runId: values.run } : {}),
    images: values["all-images"] ? "all" : values.images ? "stale" : "none",
  });
  process.stdout.write(
    `removed ${result.containers} container(s), ${result.networks} network(s), ${result.volumes} volume(s), ${result.images} image(s)\n`,
  );
  return 0;
}
