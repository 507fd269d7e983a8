import type { Role } from "../images/catalog.js";
import { type TopologySpec, rolesOf } from "./topology.js";

/**
 * The catalog images a topology runs: one per kind of node, the reaper, and the partition sidecar. A stack's own
 * app is built when its sites start (its recipe is the config's), so it is not among them.
 */
export function imageRolesOf(spec: TopologySpec): Role[] {
  const out = new Set<Role>(["ryuk", "nettools"]);
  for (const role of rolesOf(spec)) {
    if (role.startsWith("pg-")) out.add("postgres");
    else if (role.startsWith("redis-") || role.startsWith("sentinel-")) out.add("redis");
    else if (role.startsWith("mysql-")) out.add("mysql");
    else if (role.startsWith("app-")) {
      if (!spec.appImage) out.add("app");
    } else out.add(role as Role);
  }
  return [...out];
}
