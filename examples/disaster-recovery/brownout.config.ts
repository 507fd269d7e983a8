import { defineConfig, PATRONI_DEFAULTS } from "brownout";

const MEMBERS = ["db-master-01", "db-slave-01", "db-slave-02"];

/**
 * Seed 002's disaster-recovery stack, declared by its docker-compose.yml on the kinds Brownout ships (etcd,
 * patroni): the PostgreSQL part (Patroni on etcd behind haproxy-01) and its scenarios.
 *
 *   npx brownout chaos --config examples/disaster-recovery/brownout.config.ts [--profile production]
 */
export default defineConfig({
  name: "disaster recovery (seed 002)",
  compose: "docker-compose.yml",
  stack: { slices: [] },
  scenarios: ["scenarios/*.scenario.ts"],
  profiles: {
    // Patroni's documented timings (ttl 30, loop_wait 10, retry_timeout 10) and HAProxy's default checks (a plain
    // `check`: inter 2s fall 3 rise 2, a check taking up to inter).
    production: {
      description: "Patroni's documented ttl 30 / loop_wait 10 / retry_timeout 10; HAProxy's default check timings",
      options: {
        profile: "production",
        nodes: [
          ...MEMBERS.map((name) => ({ name, kind: "patroni", settings: { ttlS: PATRONI_DEFAULTS.ttlS, loopWaitS: PATRONI_DEFAULTS.loopWaitS, retryTimeoutS: PATRONI_DEFAULTS.retryTimeoutS } })),
          { name: "haproxy-01", kind: "generic", settings: { environment: { CHECK_INTER: "2s", CHECK_FALL: "3", CHECK_RISE: "2", CHECK_TIMEOUT: "2s" } } },
        ],
      },
    },
  },
});
