import mysql from "mysql2/promise";
import type { HostPort, SqlConfig } from "../config.js";
import { call } from "./dependency.js";

/** MariaDB through HAProxy's `mysql` frontend (mysql-1 active, mysql-2 backup), each call bounded. */
export class MysqlDep {
  readonly #pool: mysql.Pool;
  readonly #timeoutMs: number;

  constructor(config: SqlConfig & HostPort, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#pool = mysql.createPool({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      connectionLimit: 8,
      connectTimeout: timeoutMs,
      enableKeepAlive: true,
      dateStrings: false,
      timezone: "Z",
    });
  }

  async query<R>(sql: string, values: readonly unknown[] = []): Promise<R[]> {
    return call("mysql", this.#timeoutMs, async () => {
      const [rows] = await this.#pool.query({ sql, timeout: this.#timeoutMs, values: values as unknown[] });
      return rows as R[];
    });
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
