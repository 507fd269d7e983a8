import { describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import { type TopologySpec, resolveSpec } from "../cluster/topology.js";
import { nodeKind, registerNodeKind, stackNodes } from "../nodes/registry.js";
import { APP } from "./app/node.js";
import { HAPROXY } from "./haproxy/node.js";
import { TOXIPROXY } from "./toxiproxy/node.js";
import { REDIS } from "./redis/node.js";
import { SENTINEL } from "./redis/sentinel-node.js";
import { POSTGRES } from "./postgres/node.js";
import { ETCD } from "./etcd/node.js";
import "./index.js";
import { PATRONI, PATRONI_DEFAULTS } from "./patroni/node.js";
import { PGBOUNCER, PGBOUNCER_DEFAULTS } from "./pgbouncer/node.js";
import { RABBITMQ, RABBITMQ_DEFAULTS } from "./rabbitmq/node.js";

const patroni = (settings: Record<string, unknown>) => PATRONI.settings({ name: "pg-1", kind: "patroni", settings: { etcd: ["etcd-1:2379"], ...settings } });

describe("the kinds Brownout ships", () => {
  it("are registered beside the generic kind, on the same door", () => {
    expect(nodeKind("etcd")).toBe(ETCD);
    expect(nodeKind("patroni")).toBe(PATRONI);
    expect(nodeKind("pgbouncer")).toBe(PGBOUNCER);
    expect(nodeKind("rabbitmq")).toBe(RABBITMQ);
  });

  it("rabbitmq: a cluster from its members, RabbitMQ's and Erlang's defaults, its queues checked, bad values named", () => {
    const rabbit = (settings: Record<string, unknown>) => RABBITMQ.settings({ name: "queue-2", kind: "rabbitmq", settings: { members: ["queue-1", "queue-2", "queue-3"], ...settings } });
    const s = rabbit({ queues: [{ name: "orders", type: "quorum" }] });
    expect(s.own).toMatchObject({ partitionHandling: RABBITMQ_DEFAULTS.partitionHandling, netTicktimeS: RABBITMQ_DEFAULTS.netTicktimeS, queues: [{ name: "orders", type: "quorum" }] });
    expect(s.generic.environment).toMatchObject({ RABBITMQ_NODE: "queue-2", RABBITMQ_PEERS: "queue-1,queue-2,queue-3", RABBITMQ_PARTITION_HANDLING: "ignore", RABBITMQ_NET_TICKTIME: "60" });
    expect(s.generic.ports).toEqual([5672, 15672]);
    // The node started after none of its members forms the cluster without waiting for peers; the others join it.
    expect(s.generic.environment).toMatchObject({ RABBITMQ_FORMS_CLUSTER: "yes" });
    expect(RABBITMQ.settings({ name: "queue-2", kind: "rabbitmq", after: ["queue-1"], settings: { members: ["queue-1", "queue-2", "queue-3"] } }).generic.environment).toMatchObject({ RABBITMQ_FORMS_CLUSTER: "no" });
    expect(rabbit({ queues: [{ name: "orders", groupSize: 1 }] }).own.queues).toEqual([{ name: "orders", type: "quorum", groupSize: 1 }]);
    expect(() => rabbit({ members: ["queue-1"] })).toThrow(/members must include the node itself/);
    expect(() => rabbit({ partitionHandling: "pause-minority" })).toThrow(/partitionHandling must be one of ignore, pause_minority, autoheal, not "pause-minority"/);
    expect(() => rabbit({ netTicktimeS: 0 })).toThrow(/netTicktimeS must be a whole number of seconds, at least 1/);
    expect(() => rabbit({ queues: [{ name: "orders", type: "stream" }] })).toThrow(/queues\[0\].type must be one of quorum, classic/);
    expect(() => rabbit({ queues: [{ name: "orders", type: "classic", groupSize: 2 }] })).toThrow(/groupSize must be a whole number, at least 1, for a quorum queue/);
    expect(() => rabbit({ net_ticktime: 4 })).toThrow(/unknown setting 'net_ticktime'; its own settings are: members, cookie, admin/);
  });

  it("patroni: Patroni's documented timings by default, its own limits and rule checked, its variables set", () => {
    const s = patroni({});
    expect(s.own).toMatchObject({ ttlS: PATRONI_DEFAULTS.ttlS, loopWaitS: PATRONI_DEFAULTS.loopWaitS, retryTimeoutS: PATRONI_DEFAULTS.retryTimeoutS, synchronousMode: false, failsafeMode: false });
    expect(s.generic.environment).toMatchObject({ PATRONI_NAME: "pg-1", PATRONI_ETCD3_HOSTS: "etcd-1:2379", PATRONI_TTL: "30", PATRONI_SYNCHRONOUS_MODE: "false", PATRONI_FAILSAFE_MODE: "false" });
    expect(s.generic.ports).toEqual([5432, 8008]);
    expect(s.generic.build?.context).toMatch(/fixtures\/kinds\/patroni$/);
    expect(s.generic.environment).toMatchObject({ PATRONI_WAL_RETRIEVE_RETRY_INTERVAL: "5000ms" });
    expect(patroni({ walRetrieveRetryIntervalMs: 1000 }).generic.environment).toMatchObject({ PATRONI_WAL_RETRIEVE_RETRY_INTERVAL: "1000ms" });
    expect(() => patroni({ walRetrieveRetryIntervalMs: 0.5 })).toThrow(/walRetrieveRetryIntervalMs must be a whole number of ms, at least 1/);
    expect(() => patroni({ ttlS: 10 })).toThrow(/ttlS must be a whole number of seconds, at least 20/);
    expect(() => patroni({ ttlS: 20, loopWaitS: 10, retryTimeoutS: 10 })).toThrow(/loop_wait \+ 2 × retry_timeout \(30 s\) must not exceed ttl \(20 s\)/);
    expect(() => PATRONI.settings({ name: "pg-1", kind: "patroni", settings: {} })).toThrow(/etcd must list the DCS endpoints/);
    expect(() => patroni({ ttl: 30 })).toThrow(/unknown setting 'ttl'; its own settings are: scope, etcd, ttlS/);
    // A team's own PostgreSQL parameters, one `name: 'value'` line each; the ones replication needs stay the kind's.
    expect(s.generic.environment).toMatchObject({ PATRONI_PARAMETERS: "" });
    expect(patroni({ parameters: { synchronous_commit: "off", wal_writer_delay: "10s", work_mem: 4096 } }).generic.environment).toMatchObject({ PATRONI_PARAMETERS: "synchronous_commit: 'off'\nwal_writer_delay: '10s'\nwork_mem: '4096'" });
    expect(() => patroni({ parameters: { wal_level: "minimal" } })).toThrow(/parameters: wal_level is the kind's own/);
    expect(() => patroni({ parameters: { "bad name": "x" } })).toThrow(/'bad name' is not a PostgreSQL parameter name/);
    expect(() => patroni({ parameters: { work_mem: "4MB'; DROP" } })).toThrow(/parameters.work_mem must be a number or a string of letters/);
    expect(() => patroni({ parameters: ["synchronous_commit"] })).toThrow(/parameters must map PostgreSQL parameter names to values/);
  });

  it("etcd: the initial cluster from its members, itself among them", () => {
    const s = ETCD.settings({ name: "etcd-2", kind: "etcd", settings: { members: ["etcd-1", "etcd-2"] } });
    expect(s.generic.environment.ETCD_INITIAL_CLUSTER).toBe("etcd-1=http://etcd-1:2380,etcd-2=http://etcd-2:2380");
    expect(s.generic.environment.ETCD_ADVERTISE_CLIENT_URLS).toBe("http://etcd-2:2379");
    expect(() => ETCD.settings({ name: "etcd-3", kind: "etcd", settings: { members: ["etcd-1"] } })).toThrow(/members must include the node itself/);
  });

  it("pgbouncer: SCRAM logins and PgBouncer's pool defaults, its users and admin in its variables, bad values named", () => {
    const pgb = (settings: Record<string, unknown>) => PGBOUNCER.settings({ name: "pgbouncer", kind: "pgbouncer", settings: { upstream: "haproxy-01:5432", users: [{ user: "app", password: "secret" }], ...settings } });
    const s = pgb({});
    expect(s.own).toMatchObject({ authType: "scram-sha-256", poolMode: PGBOUNCER_DEFAULTS.poolMode, poolSize: PGBOUNCER_DEFAULTS.poolSize, queryWaitTimeoutS: PGBOUNCER_DEFAULTS.queryWaitTimeoutS });
    expect(s.generic.environment).toMatchObject({ PGBOUNCER_UPSTREAM: "haproxy-01:5432", PGBOUNCER_USERS: "app:secret", PGBOUNCER_ADMIN: "pgbouncer:pgbouncer", PGBOUNCER_AUTH_TYPE: "scram-sha-256", PGBOUNCER_POOL_SIZE: "20" });
    expect(s.generic.ports).toEqual([6432]);
    expect(() => pgb({ upstream: "haproxy-01" })).toThrow(/upstream must be "host:port"/);
    expect(() => pgb({ poolMode: "pooled" })).toThrow(/poolMode must be one of session, transaction, statement, not "pooled"/);
    expect(() => pgb({ users: [{ user: "app", password: "a:b" }] })).toThrow(/users\[0\] must be \{ user, password \}/);
    expect(() => pgb({ poolSize: 0 })).toThrow(/poolSize must be a whole number, at least 1, not 0/);
    expect(() => pgb({ pool_size: 5 })).toThrow(/unknown setting 'pool_size'; its own settings are: upstream, users, admin/);
  });

  it("postgres: a replica without its primary, or a primary not { node, host, port }, is the user's error", () => {
    const pgNode = (settings: Record<string, unknown>) => () => POSTGRES.settings({ name: "pg-2", kind: "postgres", settings });
    expect(pgNode({ role: "replica" })).toThrow(UserError);
    expect(pgNode({ role: "replica" })).toThrow(/a replica names its primary/);
    expect(pgNode({ role: "replica", primary: "pg-1" })).toThrow(UserError);
  });

  it("a config's own kind may take over a shipped kind's name, once", () => {
    const team = { ...ETCD, name: "pgbouncer", summary: "a team's own PgBouncer" };
    registerNodeKind(team);
    expect(nodeKind("pgbouncer")).toBe(team);
    expect(() => {
      registerNodeKind({ ...team, summary: "another" });
    }).toThrow(/two node kinds are named 'pgbouncer'/);
  });
});

describe("the built-in parts as nodes of shipped kinds", () => {
  const names = (spec: TopologySpec) => stackNodes(spec).map((n) => `${n.name}:${n.kind}`);

  it("a full spec runs Toxiproxy, HAProxy, the PostgreSQL pair, the MariaDB pair, Redis and its Sentinels, both sites and Caddy through their kinds, each with checked settings", () => {
    const spec = resolveSpec();
    expect(names(spec)).toEqual([
      "app-gra:app",
      "app-sbg:app",
      "caddy:caddy",
      "haproxy:haproxy",
      "mysql-1:mariadb",
      "mysql-2:mariadb",
      "pg-primary:postgres",
      "pg-replica:postgres",
      "redis-1:redis",
      "redis-2:redis",
      "sentinel-1:sentinel",
      "sentinel-2:sentinel",
      "sentinel-3:sentinel",
      "toxiproxy:toxiproxy",
    ]);
    // The Sentinels start once both Redis nodes serve (one started first would count down-after from its own start).
    expect(stackNodes(spec).find((n) => n.name === "sentinel-2")).toMatchObject({ after: ["redis-1", "redis-2"], settings: { monitors: "redis-1", replicas: ["redis-2"], peers: ["sentinel-1", "sentinel-3"] } });
    expect(REDIS.settings(stackNodes(spec).find((n) => n.name === "redis-2") ?? { name: "", kind: "" })).toMatchObject({ replicaOf: "redis-1", appendOnly: true });
    // The guard a regression leaves on the first master only: redis-2's file has it off.
    const firstOnly = resolveSpec({ redis: { minReplicasToWrite: 1, minReplicasOnFirstMasterOnly: true } });
    expect(stackNodes(firstOnly).filter((n) => n.kind === "redis").map((n) => (n.settings as { minReplicasToWrite: number }).minReplicasToWrite)).toEqual([1, 0]);
    for (const n of stackNodes(spec)) {
      expect(() => nodeKind(n.kind).settings(n)).not.toThrow();
    }
    const toxiproxy = TOXIPROXY.settings(stackNodes(spec).find((n) => n.name === "toxiproxy") ?? { name: "", kind: "" });
    expect(TOXIPROXY.relays?.(toxiproxy).links.find((l) => l.name === "pg-replication")).toEqual({ name: "pg-replication", listenPort: 15432, upstream: "pg-primary:5432" });
    expect(Object.keys(toxiproxy.groups)).toContain("app-redis");
  });

  it("a spec without the web slice runs neither sites nor Caddy, and only the links its slices need", () => {
    const spec = resolveSpec({ slices: ["postgres"] });
    expect(names(spec)).toEqual(["haproxy:haproxy", "pg-primary:postgres", "pg-replica:postgres", "toxiproxy:toxiproxy"]);
    // The replica streams through the link, from its slot; the primary's commits wait for it only when synchronous.
    expect(POSTGRES.settings(stackNodes(spec).find((n) => n.name === "pg-replica") ?? { name: "", kind: "" })).toMatchObject({ role: "replica", primary: { node: "pg-primary", host: "toxiproxy", port: 15432, slot: "pg_replica" } });
    expect(POSTGRES.settings(stackNodes(resolveSpec({ slices: ["postgres"], postgres: { synchronous: true, db2: true } })).find((n) => n.name === "pg-primary") ?? { name: "", kind: "" }).altered).toEqual({ synchronous_standby_names: '"pg-replica"' });
    expect(names(resolveSpec({ slices: ["postgres"], postgres: { db2: true } }))).toContain("pg-db2:postgres");
    const toxiproxy = TOXIPROXY.settings(stackNodes(spec).find((n) => n.name === "toxiproxy") ?? { name: "", kind: "" });
    expect(Object.keys(toxiproxy.links)).toEqual(["pg-replication"]);
    expect(toxiproxy.groups).toEqual({});
    const haproxy = HAPROXY.settings(stackNodes(spec).find((n) => n.name === "haproxy") ?? { name: "", kind: "" });
    expect(haproxy.frontends).toEqual([5432, 5433]);
  });

  it("a built-in node's name stays the stack's own: a declaration cannot take it", () => {
    expect(() => resolveSpec({ nodes: [{ name: "caddy", kind: "caddy", settings: { first: "sbg" } }] })).toThrow(/node 'caddy': the name is a built-in part's/);
  });

  it("the built-in kinds refuse settings they cannot run, naming what they take", () => {
    expect(() => TOXIPROXY.settings({ name: "toxiproxy", kind: "toxiproxy", settings: { links: { a: { listenPort: 1, upstream: "x:1" } }, groups: { g: ["b"] } } })).toThrow(/groups name links it does not have: b/);
    expect(() => HAPROXY.settings({ name: "haproxy", kind: "haproxy", settings: { config: "" } })).toThrow(/settings are \{ config, frontends, steady \}/);
    expect(() => APP.settings({ name: "app-x", kind: "app", settings: { site: "x", environment: { A: 1 } } })).toThrow(/settings are \{ site, environment, image\? \}/);
    expect(() => REDIS.settings({ name: "cache", kind: "redis", settings: { minReplicas: 1 } })).toThrow(/unknown setting 'minReplicas'; settings are: appendOnly, minReplicasToWrite/);
    expect(() => SENTINEL.settings({ name: "s", kind: "sentinel", settings: { quorum: 2 } })).toThrow(/'monitors' must be the master node's name/);
  });
});
