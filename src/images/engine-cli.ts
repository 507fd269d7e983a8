import { runCli } from "../cli/errors.js";
import { ensureEngine } from "./engine.js";

// `npm run engine`: make sure a Docker engine answers, setting one up where Brownout may.
await runCli(async () => {
  const status = await ensureEngine();
  process.stdout.write(`Docker engine ${status.serverVersion} (API ${status.apiVersion}) at ${status.endpoint}\n`);
  return 0;
});
