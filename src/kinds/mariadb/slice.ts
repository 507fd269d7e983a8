import type { TopologySpec } from "../../cluster/topology.js";
import { registerSpecNodes } from "../../nodes/registry.js";
import { fixture } from "../../paths.js";
import type { MariadbSettings } from "./node.js";
import { MYSQL_ROLES } from "./pair.js";

/** The mysql slice: mysql-1 and mysql-2, each a master and each a replica of the other; the schema loaded on mysql-1. */
export function mysqlNodes(spec: TopologySpec) {
  if (!spec.slices.includes("mysql")) return [];
  const [one, two] = MYSQL_ROLES;
  const node = (name: string, index: number, source: string, schema?: string) => {
    const settings: MariadbSettings = { index, masters: MYSQL_ROLES.length, source, ...(schema ? { schema } : {}) };
    return { name, kind: "mariadb", settings };
  };
  return [node(one, 1, two, spec.files.mysqlSchema ?? fixture("sql", "mysql.sql")), node(two, 2, one)];
}

registerSpecNodes("mysql", mysqlNodes);
