import type { NodeKind } from "../nodes/kind.js";
import { registerNodeKind } from "../nodes/registry.js";
import { APP } from "./app/node.js";
import { CADDY } from "./caddy/node.js";
import { ETCD } from "./etcd/node.js";
import { HAPROXY } from "./haproxy/node.js";
import { MARIADB } from "./mariadb/node.js";
import { PATRONI } from "./patroni/node.js";
import { PGBOUNCER } from "./pgbouncer/node.js";
import { POSTGRES } from "./postgres/node.js";
import { RABBITMQ } from "./rabbitmq/node.js";
import { REDIS } from "./redis/node.js";
import { SENTINEL } from "./redis/sentinel-node.js";
import { TOXIPROXY } from "./toxiproxy/node.js";
// The built-in parts that run as nodes of these kinds declare themselves (the web slice, HAProxy, the PostgreSQL pair, the MariaDB pair, Redis with its Sentinels, the Toxiproxy links).
import "./app/slice.js";
import "./haproxy/slice.js";
import "./mariadb/slice.js";
import "./postgres/slice.js";
import "./redis/slice.js";
import "./toxiproxy/slice.js";

/**
 * The kinds Brownout ships, as testcontainers ships its modules: each a folder here (its recipe under
 * fixtures/kinds/), on the very door a team's kind goes through. Registered once, when the library loads.
 */
export const SHIPPED_KINDS: readonly NodeKind[] = [APP, CADDY, ETCD, HAPROXY, MARIADB, PATRONI, PGBOUNCER, POSTGRES, RABBITMQ, REDIS, SENTINEL, TOXIPROXY];

for (const kind of SHIPPED_KINDS) registerNodeKind(kind, { shipped: true });

