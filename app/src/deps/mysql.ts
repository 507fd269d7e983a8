import mysql from "mysql2/promise";
import type { HostPort, SqlConfig } from "../config.js";
import { call } from "./dependency.js";

/** MariaDB through HAProxy's `mysql` frontend (mysql-1 active, mysql-2 backup), each call bounded. */
export class MysqlDep {
  readonly #pool: mysql.Pool;
  readonly #timeoutMs: number;

  readonly #noCommit: boolean;

  /** `noCommit`: the test-only `items-no-commit` regression (autocommit off, writes never committed). */
  constructor(config: SqlConfig & HostPort, timeoutMs: number, noCommit = false) {
    this.#noCommit = noCommit;
    this.#timeoutMs = timeoutMs;
    this.#pool = mysql.createPool({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      connectionLimit: 8,
      // 0 leaves the driver's default (10 s), as an app that never set it would run.
      ...(timeoutMs > 0 ? { connectTimeout: timeoutMs } : {}),
      enableKeepAlive: true,
      dateStrings: false,
      timezone: "Z",
    });
  }

  async query<R>(sql: string, values: readonly unknown[] = []): Promise<R[]> {
    return call("mysql", this.#timeoutMs, async () => {
      const [rows] = await this.#pool.query({ sql, ...(this.#timeoutMs > 0 ? { timeout: this.#timeoutMs } : {}), values: values as unknown[] });
      return rows as R[];
    });
  }

  /** A write statement: under `items-no-commit` it runs in a transaction left open on its pooled connection. */
  async write(sql: string, values: readonly unknown[] = []): Promise<void> {
    if (!this.#noCommit) {
      await this.query(sql, values);
      return;
    }
    await call("mysql", this.#timeoutMs, async () => {
      const conn = await this.#pool.getConnection();
      try {
        await conn.query("SET autocommit = 0");
        await conn.query({ sql, values: values as unknown[] });
      } finally {
        conn.release();
      }
    });
  }

  /** A health probe, bounded by its own timeout (health must answer before the proxies' checks give up). */
  async ping(timeoutMs: number = this.#timeoutMs): Promise<void> {
    await call("mysql", timeoutMs, () => this.#pool.query({ sql: "SELECT 1", ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}) }));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
