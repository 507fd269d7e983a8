import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG, DEFAULT_ROLES, ROLES, type Role, buildArgName, isRole, recipe, withDependencies } from "./catalog.js";
import { imageTag, recipeDir, recipeHash } from "./recipe-hash.js";

/** ARG names a Dockerfile declares (before or after FROM). */
function declaredArgs(role: Role): Set<string> {
  const text = readFileSync(join(recipeDir(role), "Dockerfile"), "utf8");
  return new Set([...text.matchAll(/^ARG\s+([A-Z0-9_]+)/gm)].map((m) => m[1] as string));
}

describe("image catalog", () => {
  it("has a Dockerfile for every role and only catalog roles as FROM", () => {
    for (const role of ROLES) {
      expect(existsSync(join(recipeDir(role), "Dockerfile")), role).toBe(true);
      for (const dep of recipe(role).from) expect(isRole(dep), `${role} FROM ${dep}`).toBe(true);
    }
  });

  it("passes only build args each Dockerfile declares, so a renamed ARG cannot silently fall back to a default", () => {
    for (const role of ROLES) {
      const declared = declaredArgs(role);
      const r = recipe(role);
      const passed = [...Object.keys(r.args), ...r.from.map(buildArgName), ...(r.rootfs ? ["ROOTFS_IMAGE"] : [])];
      for (const name of passed) {
        if (name === "DEBIAN_RELEASE" || name === "RYUK_PROTOCOL") continue; // hashed pins, not used by RUN steps
        expect(declared.has(name), `${role} declares ARG ${name}`).toBe(true);
      }
    }
  });

  it("orders dependencies first", () => {
    const order = withDependencies(["toxiproxy", "postgres"]);
    expect(order).toEqual(["base", "gobuild", "toxiproxy", "postgres"]);
    expect(order.indexOf("gobuild")).toBeLessThan(order.indexOf("toxiproxy"));
  });

  it("builds every server role by default but not benchmark baselines", () => {
    expect(DEFAULT_ROLES).toContain("ryuk");
    expect(DEFAULT_ROLES).not.toContain("postgres-initdb");
    expect(Object.keys(CATALOG)).toHaveLength(ROLES.length);
  });

  it("tags by content hash under localhost/", () => {
    for (const role of ROLES) expect(imageTag(role)).toMatch(new RegExp(`^localhost/brownout-${role}:[0-9a-f]{12}$`));
    // Same folder, different pinned args: different images.
    expect(recipeHash("postgres")).not.toBe(recipeHash("postgres-initdb"));
    expect(recipeHash("postgres")).toBe(recipeHash("postgres"));
  });

  it("rejects names that are not roles", () => {
    expect(isRole("postgres")).toBe(true);
    expect(isRole("postgresql")).toBe(false);
    expect(isRole("toString")).toBe(false);
  });
});
