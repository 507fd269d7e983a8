import type { DualWriteAck } from "./config.js";
import type { PostgresDep } from "./deps/postgres.js";

/** Where one write went: the databases that took it, and why the others did not. */
export interface WriteCopies {
  readonly copies: string[];
  readonly failed: Record<string, string>;
}

/**
 * Seed 001's tables (`items`, `php_session`) on the primary database (DB1, through pg-write) and, when the site is
 * configured with a second one (DB2), on that one too: the seed's dbMultiPdo, which writes every change to both
 * databases itself, with no replication between them. Each write goes to both at once, each bounded by the
 * dependency timeout; what one database missed is only logged, as the seed's "log and continue" does, so the two
 * drift apart for good.
 */
export class SeedTables {
  readonly #dbs: readonly PostgresDep[];
  readonly #ack: DualWriteAck;
  readonly #site: string;

  constructor(db1: PostgresDep, db2: PostgresDep | null, ack: DualWriteAck, site: string) {
    this.#dbs = db2 ? [db1, db2] : [db1];
    this.#ack = ack;
    this.#site = site;
  }

  /** The seed's transactionalWrite: one statement on every database, acknowledged per the ack policy. */
  async #write(text: string, values: readonly unknown[]): Promise<WriteCopies> {
    const results = await Promise.allSettled(this.#dbs.map((db) => db.query(text, values)));
    const copies: string[] = [];
    const failed: Record<string, string> = {};
    results.forEach((r, i) => {
      const name = this.#dbs[i]?.name ?? String(i);
      if (r.status === "fulfilled") copies.push(name);
      else failed[name] = r.reason instanceof Error ? r.reason.message : String(r.reason);
    });
    const needed = this.#ack === "all" ? this.#dbs.length : 1;
    if (copies.length < needed) throw (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
    if (Object.keys(failed).length > 0) {
      process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), site: this.#site, msg: "dual write: a database missed a write", copies, failed })}\n`);
    }
    return { copies, failed };
  }

  createItem(name: string, content: string): Promise<WriteCopies> {
    return this.#write("INSERT INTO items (name, content) VALUES ($1, $2)", [name, content]);
  }

  updateItem(name: string, content: string): Promise<WriteCopies> {
    return this.#write("UPDATE items SET content = $2, updated_at = CURRENT_TIMESTAMP WHERE name = $1", [name, content]);
  }

  writeSession(id: string, data: string): Promise<WriteCopies> {
    return this.#write(
      "INSERT INTO php_session (id, data, date_change) VALUES ($1, convert_to($2, 'UTF8'), CURRENT_TIMESTAMP) " +
        "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, date_change = CURRENT_TIMESTAMP",
      [id, data],
    );
  }
}
