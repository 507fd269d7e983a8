import { defineConfig, PATRONI_DEFAULTS, RABBITMQ_DEFAULTS, SENTINEL_DEFAULTS } from "brownout";
import { DR_SOAK } from "./scenarios/soak.js";

const MEMBERS = ["db-master-01", "db-slave-01", "db-slave-02"];
const SENTINELS = ["sentinel-01", "sentinel-02", "sentinel-03"];
const QUEUES = ["queue-01", "queue-02", "queue-03"];

/**
 * Seed 002's disaster-recovery stack, declared by its docker-compose.yml on the kinds Brownout ships (etcd,
 * patroni, pgbouncer, redis, sentinel): Patroni on etcd and PgBouncer behind haproxy-01, Redis with its
 * Sentinels behind haproxy-01:6379 (compose profile `redis`), haproxy-02 sharing a virtual IP with it through
 * keepalived (profile `pair`), and their scenarios. keepalived runs its defaults (advert_int 1) in both profiles.
 *
 *   npx brownout chaos --config examples/disaster-recovery/brownout.config.ts [--profile production] [--soak 3m --seed 7]
 */
export default defineConfig({
  name: "disaster recovery (seed 002)",
  compose: "docker-compose.yml",
  stack: { slices: [] },
  scenarios: ["scenarios/*.scenario.ts"],
  // `--soak 3m --seed 7`: the whole stack under a seeded schedule of reversible faults (scenarios/soak.ts).
  soak: DR_SOAK,
  profiles: {
    // Patroni's documented timings (ttl 30, loop_wait 10, retry_timeout 10), HAProxy's default checks (a plain
    // `check`: inter 2s fall 3 rise 2, a check taking up to inter), Sentinel's defaults (down-after 30 s,
    // failover-timeout 3 min) and Erlang's net_ticktime (60 s) for RabbitMQ: the seed sets none of them.
    production: {
      description: "Patroni's documented ttl 30 / loop_wait 10 / retry_timeout 10; HAProxy's default check timings; Sentinel's default down-after and failover-timeout; Erlang's net_ticktime 60 s",
      options: {
        profile: "production",
        nodes: [
          ...MEMBERS.map((name) => ({ name, kind: "patroni", settings: { ttlS: PATRONI_DEFAULTS.ttlS, loopWaitS: PATRONI_DEFAULTS.loopWaitS, retryTimeoutS: PATRONI_DEFAULTS.retryTimeoutS, walRetrieveRetryIntervalMs: PATRONI_DEFAULTS.walRetrieveRetryIntervalMs } })),
          ...SENTINELS.map((name) => ({ name, kind: "sentinel", settings: { downAfterMs: SENTINEL_DEFAULTS.downAfterMs, failoverTimeoutMs: SENTINEL_DEFAULTS.failoverTimeoutMs } })),
          ...QUEUES.map((name) => ({ name, kind: "rabbitmq", settings: { netTicktimeS: RABBITMQ_DEFAULTS.netTicktimeS } })),
          ...["haproxy-01", "haproxy-02"].map((name) => ({ name, kind: "generic", settings: { environment: { CHECK_INTER: "2s", CHECK_FALL: "3", CHECK_RISE: "2", CHECK_TIMEOUT: "2s" } } })),
        ],
      },
    },
  },
});
