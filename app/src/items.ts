import type { MysqlDep } from "./deps/mysql.js";
import { HttpError, notFound } from "./http.js";

export interface Item {
  readonly id: string;
  readonly value: string;
  readonly version: number;
  readonly updatedAt: string;
}

interface ItemRow {
  id: string;
  value: string;
  version: number;
  updated_at: Date;
}

const fromRow = (r: ItemRow): Item => ({ id: r.id, value: r.value, version: r.version, updatedAt: r.updated_at.toISOString() });

/** Items on the MariaDB pair through HAProxy (mysql-1 active, mysql-2 backup). */
export class ItemService {
  readonly #mysql: MysqlDep;

  constructor(mysql: MysqlDep) {
    this.#mysql = mysql;
  }

  async list(limit: number): Promise<Item[]> {
    const rows = await this.#mysql.query<ItemRow>("SELECT id, value, version, updated_at FROM items ORDER BY updated_at DESC, id LIMIT ?", [limit]);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<Item> {
    const rows = await this.#mysql.query<ItemRow>("SELECT id, value, version, updated_at FROM items WHERE id = ?", [id]);
    const row = rows[0];
    if (!row) throw notFound(`no item '${id}'`);
    return fromRow(row);
  }

  /** Creates the item, or bumps its version when it exists (an upsert: probes may repeat an id after a timeout). */
  async put(id: string, value: string): Promise<Item> {
    await this.#mysql.write(
      "INSERT INTO items (id, value, version, updated_at) VALUES (?, ?, 1, UTC_TIMESTAMP(3)) " +
        "ON DUPLICATE KEY UPDATE value = VALUES(value), version = version + 1, updated_at = UTC_TIMESTAMP(3)",
      [id, value],
    );
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const result = await this.#mysql.query<never>("DELETE FROM items WHERE id = ?", [id]);
    const affected = (result as unknown as { affectedRows?: number }).affectedRows ?? 0;
    if (affected === 0) throw new HttpError(404, "not_found", `no item '${id}'`);
  }
}
