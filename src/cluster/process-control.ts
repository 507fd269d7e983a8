import type { StartedTestContainer } from "testcontainers";
import { dockerClient } from "../images/engine.js";
import { type ActiveFault, activeFault } from "./fault-handle.js";

/** Process faults: what happens to a server's container, as an operator or the kernel would do it. */
export type ProcessFault = "kill" | "stop" | "pause" | "restart";

/**
 * Injects a process fault. kill (SIGKILL) and stop (SIGTERM, then SIGKILL after 10 s) heal by starting the
 * container again and waiting until it serves; pause freezes every process (the TCP peers see silence, not
 * a reset) and heals by unpausing; restart is over when it returns, so its heal is a no-op.
 */
export async function injectProcessFault(kind: ProcessFault, name: string, container: StartedTestContainer): Promise<ActiveFault> {
  const docker = dockerClient().getContainer(container.getId());
  switch (kind) {
    case "kill":
      await docker.kill({ signal: "SIGKILL" });
      return activeFault(`kill ${name}`, () => container.restart(), name);
    case "stop":
      await docker.stop({ t: 10 });
      return activeFault(`stop ${name}`, () => container.restart(), name);
    case "pause":
      await docker.pause();
      return activeFault(`pause ${name}`, () => docker.unpause(), name);
    case "restart":
      await container.restart();
      return activeFault(`restart ${name}`, () => Promise.resolve(), name);
  }
}
