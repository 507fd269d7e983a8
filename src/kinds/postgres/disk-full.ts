import type { StartedTestContainer } from "testcontainers";
import type { ActiveFault } from "../../cluster/fault-handle.js";
import { fillVolume } from "../../cluster/disk-full.js";
import { PG_WAL_VOLUME } from "./pair.js";

/** pg-primary's WAL volume filled (see fillVolume). */
export function fillWalVolume(node: StartedTestContainer, role: string): Promise<ActiveFault> {
  return fillVolume(node, role, PG_WAL_VOLUME, "WAL volume");
}
