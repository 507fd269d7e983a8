import { nodeOf } from "../../cluster/address.js";
import { PORTS, nodeContainer } from "../../cluster/containers.js";
import { runLabels } from "../../cluster/labels.js";
import { UserError } from "../../errors.js";
import type { NodeKind } from "../../nodes/kind.js";
import { MYSQL_CREDENTIALS, REPL, loadSchema, mysqlNodeFacts, mysqlProblems, replicateFrom } from "./pair.js";
import { catalogImage } from "../../images/catalog-image.js";

export interface MariadbSettings {
  /** Its server id and GTID domain id, and its auto-increment offset: distinct on each node of a pair. */
  readonly index: number;
  /** How many masters hand out ids (the auto-increment step): ids never collide between them. */
  readonly masters: number;
  /** The node it replicates from (each of a master-master pair names the other). */
  readonly source: string;
  /** A schema file run on this node once replication runs (its binlog carries it to the others). */
  readonly schema?: string;
}

/**
 * MariaDB (Debian's package) as one node of a master-master group: distinct ids and interleaved auto-increments,
 * and, once every node of the group runs, each pointed at its source with GTID replication and the schema loaded on
 * the one that carries it. verify() asks across the group: both threads running on each, nothing behind, every GTID
 * position the same. Each node's replication state is read back.
 */
export const MARIADB: NodeKind<MariadbSettings> = {
  name: "mariadb",
  summary: "MariaDB in a master-master group (GTID replication, interleaved ids); verify() wants every node replicating and the GTID positions equal",
  settings(node) {
    const s = (node.settings ?? {}) as Partial<MariadbSettings>;
    if (!Number.isInteger(s.index) || !Number.isInteger(s.masters) || typeof s.source !== "string" || (s.schema !== undefined && typeof s.schema !== "string")) {
      throw new UserError(`node '${node.name}' (mariadb): settings are { index, masters, source, schema? } (its server id, the number of masters, the node it replicates from, a schema file)`);
    }
    return { index: s.index as number, masters: s.masters as number, source: s.source, ...(s.schema === undefined ? {} : { schema: s.schema }) };
  },
  prepare: () => catalogImage("mysql"),
  ports: () => [PORTS.mysql],
  container(node, s, image) {
    return nodeContainer("mysql", image ? { image } : {})
      .withLabels(runLabels(node.name))
      .withEnvironment({
        MYSQL_ROOT_PASSWORD: MYSQL_CREDENTIALS.password,
        BROWNOUT_MYSQL_SERVER_ID: String(s.index),
        BROWNOUT_MYSQL_DOMAIN_ID: String(s.index),
        BROWNOUT_MYSQL_AUTO_INCREMENT_INCREMENT: String(s.masters),
        BROWNOUT_MYSQL_AUTO_INCREMENT_OFFSET: String(s.index),
        BROWNOUT_MYSQL_REPL_USER: REPL.user,
        BROWNOUT_MYSQL_REPL_PASSWORD: REPL.password,
      });
  },
  readBack: (node) => mysqlNodeFacts(nodeOf(node.address)),
  together: {
    async setUp(nodes) {
      await Promise.all(nodes.map((n) => replicateFrom(n.container, n.settings.source)));
      // The app's tables, made on one node once replication runs, so the others get them through its binlog.
      for (const n of nodes) if (n.settings.schema) await loadSchema(n.container, n.settings.schema);
    },
    async problems(nodes) {
      const facts = await Promise.all(nodes.map(async (n) => [n.name, await mysqlNodeFacts(nodeOf(n.address))] as const));
      return mysqlProblems(Object.fromEntries(facts));
    },
  },
};
