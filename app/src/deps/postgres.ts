import pg from "pg";
import type { HostPort, SqlConfig } from "../config.js";
import { type DependencyName, call } from "./dependency.js";

/** One pool per HAProxy frontend (pg-write, pg-read), or per database of a dual write (pg-db2), each call bounded. */
export class PostgresDep {
  readonly name: DependencyName;
  readonly #pool: pg.Pool;
  readonly #timeoutMs: number;

  constructor(name: "pg-write" | "pg-read" | "pg-db2", address: HostPort, sql: SqlConfig, timeoutMs: number) {
    this.name = name;
    this.#timeoutMs = timeoutMs;
    this.#pool = new pg.Pool({
      host: address.host,
      port: address.port,
      user: sql.user,
      password: sql.password,
      database: sql.database,
      max: 8,
      // 0 leaves each at the driver's default (no bound), as an app that never set them would run.
      connectionTimeoutMillis: timeoutMs,
      ...(timeoutMs > 0 ? { query_timeout: timeoutMs, statement_timeout: timeoutMs } : {}),
      idleTimeoutMillis: 10_000,
    });
    // An idle client whose server went away errors here; the pool drops it and the next query reconnects.
    this.#pool.on("error", () => undefined);
  }

  async query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = await call(this.name, this.#timeoutMs, () => this.#pool.query<R>(text, values as unknown[]));
    return result.rows;
  }

  /** A health probe, bounded by its own timeout (health must answer before the proxies' checks give up). */
  async ping(timeoutMs: number = this.#timeoutMs): Promise<void> {
    await call(this.name, timeoutMs, () => this.#pool.query("SELECT 1"));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
