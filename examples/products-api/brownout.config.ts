import { defineConfig } from "brownout";

/**
 * Seed 004's stack: a products API (Python, ./app) with cache-aside reads, PostgreSQL primary + streaming replica
 * behind HAProxy (its own sections in ./haproxy: writes to the primary named in the file, reads to the replica),
 * and a Redis cache (TTL 60 s, key product:<id>, DEL on update). Two sites of the API behind Caddy.
 *
 *   npx brownout chaos --config examples/products-api/brownout.config.ts
 */
export default defineConfig({
  name: "products API (seed 004)",
  scenarios: ["scenarios/*.scenario.ts"],
  // Seed 004: strict reads (a replica failure is an error, no fallback to the primary), a 60 s cache TTL.
  stack: { slices: ["postgres", "redis", "web"], app: { readPolicy: "strict", cacheTtlS: 60 } },
  files: { haproxyDir: "haproxy", postgresSchema: "sql/postgres.sql" },
  app: {
    name: "products-api",
    recipe: "app",
    // Each site reaches its dependencies through its own Toxiproxy links; the spec's settings (a mutant's too)
    // become the API's variables.
    environment: ({ site, spec, deps, postgres }) => ({
      APP_PG_WRITE: deps["pg-write"] ?? "",
      APP_PG_READ: deps["pg-read"] ?? "",
      APP_REDIS: deps["redis-1"] ?? "",
      APP_PG_USER: postgres.user,
      APP_PG_PASSWORD: postgres.password,
      APP_PG_DATABASE: postgres.database,
      APP_CACHE_TTL_S: String(spec.app.cacheTtlS),
      APP_DEP_TIMEOUT_MS: String(spec.timings.app.depTimeoutMs),
      APP_HEALTH_TIMEOUT_MS: String(spec.timings.app.healthTimeoutMs),
      APP_READ_POLICY: typeof spec.app.readPolicy === "string" ? spec.app.readPolicy : spec.app.readPolicy[site],
      APP_TEST_BUGS: spec.app.testBugs.join(","),
    }),
  },
});
