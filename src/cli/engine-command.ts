import { ensureEngine } from "../images/engine.js";

/** `brownout engine`: make sure a Docker engine answers, setting one up where Brownout may. */
export async function engineCommand(): Promise<number> {
  const status = await ensureEngine();
  process.stdout.write(`Docker engine ${status.serverVersion} (API ${status.apiVersion}) at ${status.endpoint}\n`);
  return 0;
}
