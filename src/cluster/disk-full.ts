import type { StartedTestContainer } from "testcontainers";
import { type ActiveFault, activeFault } from "./fault-handle.js";
import { PG_WAL_VOLUME } from "./postgres-pair.js";

/** The file that takes a volume's last free block (what a runaway log or a forgotten dump does). */
const FILLER = `${PG_WAL_VOLUME}/brownout-filler`;

/**
 * Fills pg-primary's WAL volume to its last block with a file, until healed: the heal deletes it, which is the
 * operator's "free some space". dd stops at ENOSPC by design; what is left free is read back and must be nothing.
 */
export async function fillWalVolume(node: StartedTestContainer, role: string): Promise<ActiveFault> {
  const run = await node.exec(["sh", "-c", `dd if=/dev/zero of=${FILLER} bs=1M 2>/dev/null; df -k --output=size,avail ${PG_WAL_VOLUME} | tail -1`], { user: "root" });
  const [sizeKb, availKb] = run.output.trim().split(/\s+/).map(Number);
  if (sizeKb === undefined || availKb === undefined || !Number.isFinite(availKb) || availKb > 0) {
    throw new Error(`could not fill ${role}'s WAL volume ${PG_WAL_VOLUME}: df says ${run.output.trim() || "nothing"}`);
  }
  return activeFault(
    `fill ${role}'s WAL volume (${String(Math.round(sizeKb / 1024))} MB, 0 left)`,
    async () => {
      const r = await node.exec(["rm", "-f", FILLER], { user: "root" });
      if (r.exitCode !== 0) throw new Error(`could not free ${role}'s WAL volume: ${r.output.trim()}`);
    },
    role,
  );
}
