import { type Role, registerStackRecipe } from "../../images/catalog.js";
import { type AppImage, type TopologySpec, rolesOf } from "../../cluster/topology.js";

/** A stack's own app as an image recipe: its folder's Dockerfile on Brownout's base, content-hashed like the rest. */
export function stackAppRole(app: AppImage): Role {
  return registerStackRecipe(app.name, { summary: `the stack's app (${app.recipeDir})`, dir: app.recipeDir, from: ["base"] });
}

/**
 * The images a topology runs: one per kind of node (a stack's own app included, from its config's recipe), the
 * reaper, and the partition sidecar.
 */
export function imageRolesOf(spec: TopologySpec): Role[] {
  const out = new Set<Role>(["ryuk", "nettools"]);
  for (const role of rolesOf(spec)) {
    if (role.startsWith("pg-")) out.add("postgres");
    else if (role.startsWith("redis-") || role.startsWith("sentinel-")) out.add("redis");
    else if (role.startsWith("mysql-")) out.add("mysql");
    else if (role.startsWith("app-")) {
      out.add(spec.appImage ? stackAppRole(spec.appImage) : "app");
    } else out.add(role as Role);
  }
  return [...out];
}
