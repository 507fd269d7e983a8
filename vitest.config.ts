import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { runId } from "./src/cluster/labels.js";
import { reportPaths } from "./src/report/paths.js";
import { testcontainersEnv } from "./src/images/testcontainers-env.js";

// testcontainers reads its environment once, when it is first imported: it must be in every worker's
// environment before any test file loads, so it is set here (see src/images/testcontainers-env.ts).
const env = {
  ...testcontainersEnv(),
  BROWNOUT_RUN_ID: runId(),
};
Object.assign(process.env, env);

export default defineConfig({
  // The examples import "brownout" as a team does; in this repo it is the sources (as tsconfig's paths say).
  resolve: { alias: { brownout: fileURLToPath(new URL("./src/index.ts", import.meta.url)) } },
  test: {
    env,
    reporters: [
      "default",
      // .ci/run reads the real pass/fail counts from here (one file per run it makes).
      ["json", { outputFile: process.env.BROWNOUT_VITEST_JSON ?? reportPaths().vitestJson("results.json") }],
    ],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts", "scenarios/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.chaos.test.ts", "node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          // The app under test (app/, its own package): its unit tests need no engine.
          name: "app",
          include: ["app/src/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["src/**/*.int.test.ts", "test/**/*.int.test.ts"],
          exclude: ["test/package.int.test.ts", "test/remote-engine.int.test.ts", "node_modules/**"],
          // After the engine-free projects, before the chaos suite: never beside it (see below).
          sequence: { groupOrder: 1 },
          // Starts the engine and builds missing images once, before any test file runs.
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Whole runs from the outside: npm pack installed into a fresh project, and a second engine over TCP
          // with shards merged. After the integration tests, before the chaos suite, one file at a time (each
          // runs scenarios, whose bounds are timings).
          name: "outside",
          include: ["test/package.int.test.ts", "test/remote-engine.int.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          // The chaos suite: one test per named scenario, each on its own topology.
          name: "chaos",
          include: ["scenarios/**/*.chaos.test.ts", "examples/**/*.chaos.test.ts"],
          // One suite after the other, never two topologies at once.
          fileParallelism: false,
          // Alone, last: its bounds are timings, and another topology starting beside it would be measured too.
          sequence: { groupOrder: 3 },
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
