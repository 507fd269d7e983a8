import { parseArgs } from "node:util";
import { EXIT_USAGE, UserError, runCli } from "../cli/errors.js";
import { clean } from "./clean.js";
import { dockerClient, probeEngine } from "./engine.js";

const USAGE = `usage: npm run clean -- [--run <id>] [--images | --all-images]
Removes the containers, networks and volumes labelled brownout.run (every run's, or one run's with --run).
--images also removes Brownout images older than the current recipes; --all-images removes every one.`;

// `npm run clean`: what an older or killed run left behind.
await runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: { run: { type: "string" }, images: { type: "boolean" }, "all-images": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { exitCode: EXIT_USAGE });
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
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
});
