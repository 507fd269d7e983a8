import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

const index = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
const doc = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");

/** Every name src/index.ts exports (values and types), read from its export lists. */
const exported = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => (m[1] ?? "").split(",").map((n) => n.trim().replace(/^type /, "")).filter(Boolean));

describe("the public API", () => {
  it("documents every export in docs/api.md", () => {
    const missing = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(doc));
    expect(missing).toEqual([]);
  });

  it("exports at run time every value the index lists (the build would drop nothing)", () => {
    const values = Object.keys(api);
    for (const name of ["defineConfig", "defineScenario", "httpProbe", "runScenario", "runSuite", "staleReads", "lostWrites", "startTopology", "until"]) expect(values).toContain(name);
  });

  it("imports nothing from scenarios/ or examples/ anywhere under src/", async () => {
    const { globSync } = await import("tinyglobby");
    const offenders = globSync("src/**/*.ts").filter((f) => /from "(\.\.\/)+(scenarios|examples)\//.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
