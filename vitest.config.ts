import { defineConfig } from "vitest/config";
import { runId } from "./src/cluster/labels.js";
import { imageTag } from "./src/images/recipe-hash.js";

// testcontainers reads RYUK_CONTAINER_IMAGE once, when it is first imported: it must be in the environment of
// every worker before any test file loads, so it is set here, from the same content hash the builder uses.
const env = {
  RYUK_CONTAINER_IMAGE: imageTag("ryuk"),
  BROWNOUT_RUN_ID: runId(),
};
Object.assign(process.env, env);

export default defineConfig({
  test: {
    env,
    setupFiles: ["allure-vitest/setup"],
    reporters: [
      "default",
      // .ci/run reads the real pass/fail counts from here (one file per run it makes).
      ["json", { outputFile: process.env.BROWNOUT_VITEST_JSON ?? "reports/vitest/results.json" }],
      ["allure-vitest/reporter", { resultsDir: "reports/allure-results" }],
    ],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["src/**/*.int.test.ts"],
          // Starts the engine and builds missing images once, before any test file runs.
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
