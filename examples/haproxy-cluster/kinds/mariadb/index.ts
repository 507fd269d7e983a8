// mysql1..mysql3 of seed 000: the generic node of the compose service, plus its replication read back from the
// running server (verify(): a node that replicates has both threads running).
import { kindOnGeneric, type NodeAddress, queryRows } from "brownout";

export const ROOT = { user: "root", password: "root", database: "clustering" } as const;

export const mariadbKind = kindOnGeneric<Record<string, never>>({
  name: "mariadb",
  summary: "a MariaDB node of seed 000, its replication threads read back",
  ownKeys: [],
  own: () => ({}),
  async problems(node: { readonly name: string; readonly address: NodeAddress }, s) {
    if (!s.generic.environment.REPLICATE_FROM) return [];
    try {
      const [st] = await queryRows({ engine: "mysql", host: node.address.host, port: node.address.ports[3306] ?? 3306, ...ROOT }, "SHOW SLAVE STATUS");
      if (!st) return [`${node.name} does not replicate`];
      const io = String(st.Slave_IO_Running);
      const sql = String(st.Slave_SQL_Running);
      return io === "Yes" && sql === "Yes" ? [] : [`${node.name} replication from ${typeof st.Master_Host === "string" ? st.Master_Host : "?"}: IO ${io}, SQL ${sql}${typeof st.Last_Error === "string" && st.Last_Error !== "" ? ` (${st.Last_Error})` : ""}`];
    } catch (e) {
      return [`${node.name} did not answer: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
});
