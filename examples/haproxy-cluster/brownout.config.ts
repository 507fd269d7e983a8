import { defineConfig } from "brownout";
import { haproxyKind } from "./kinds/haproxy/index.js";
import { mariadbKind } from "./kinds/mariadb/index.js";
import { webKind } from "./kinds/web/index.js";

/**
 * Seed 000's cluster, declared by its own docker-compose.yml: no part of Brownout's own stack, three node kinds of
 * the team's (kinds/), and its scenarios.
 *
 *   npx brownout chaos --config examples/haproxy-cluster/brownout.config.ts
 */
export default defineConfig({
  name: "HAProxy cluster (seed 000)",
  compose: "docker-compose.yml",
  kinds: [webKind, haproxyKind, mariadbKind],
  // A user's page views, not a load test: one read per user every 200 ms (PHP serialises a session's requests on
  // its file lock, so a faster open-loop rate only queues them).
  stack: { slices: [], margins: { probeIntervalMs: 200 } },
  scenarios: ["scenarios/*.scenario.ts"],
});
