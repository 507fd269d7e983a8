import type { StartedTestContainer } from "testcontainers";
import { type ActiveFault, activeFault } from "./fault-handle.js";

/**
 * Fills a node's volume (a tmpfs of a declared size: filling a bind mount would fill the host) to its last block
 * with a file, until healed: the heal deletes it, which is the operator's "free some space". dd stops at ENOSPC by
 * design; what is left free is read back and must be nothing. The node's image needs `sh`, `dd`, `df` and `rm`.
 */
export async function fillVolume(node: StartedTestContainer, role: string, path: string, what = `volume ${path}`): Promise<ActiveFault> {
  const filler = `${path}/brownout-filler`;
  const run = await node.exec(["sh", "-c", `dd if=/dev/zero of=${filler} bs=1M 2>/dev/null; df -k --output=size,avail ${path} | tail -1`], { user: "root" });
  const [sizeKb, availKb] = run.output.trim().split(/\s+/).map(Number);
  if (sizeKb === undefined || availKb === undefined || !Number.isFinite(availKb) || availKb > 0) {
    throw new Error(`could not fill ${role}'s ${what}: df says ${run.output.trim() || "nothing"}`);
  }
  return activeFault(
    `fill ${role}'s ${what} (${String(Math.round(sizeKb / 1024))} MB, 0 left)`,
    async () => {
      const r = await node.exec(["rm", "-f", filler], { user: "root" });
      if (r.exitCode !== 0) throw new Error(`could not free ${role}'s ${what}: ${r.output.trim()}`);
    },
    role,
  );
}
