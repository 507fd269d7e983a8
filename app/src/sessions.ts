import type { SessionStoreMode, Site } from "./config.js";
import type { MysqlDep } from "./deps/mysql.js";
import type { RedisDep } from "./deps/redis.js";
import { HttpError } from "./http.js";

export interface Session {
  readonly name: string;
  /** The site that created the session: a session read on the other site shows it survived a move. */
  readonly createdSite: Site;
  readonly createdAt: string;
}

export interface SessionStore {
  readonly mode: SessionStoreMode;
  get(id: string): Promise<Session | null>;
  put(id: string, session: Session): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * One named note of a session's data, set in one atomic step (not a read-modify-write of the session: two sites
   * writing notes of one session at once must not overwrite each other's).
   */
  setNote(id: string, key: string, value: string): Promise<void>;
  /** The session's notes, by name. */
  notes(id: string): Promise<Record<string, string>>;
}

export const SESSION_TTL_S = 86_400;

/** Lives in this process: gone when the site goes, and invisible to the other site (sticky cookies needed). */
export class MemorySessionStore implements SessionStore {
  readonly mode: SessionStoreMode;
  readonly #sessions = new Map<string, Session>();
  readonly #notes = new Map<string, Map<string, string>>();

  /** `mode` other than memory only for the test-only `shared-sessions-in-memory` regression: it answers as that store. */
  constructor(mode: SessionStoreMode = "memory") {
    this.mode = mode;
  }

  get(id: string): Promise<Session | null> {
    return Promise.resolve(this.#sessions.get(id) ?? null);
  }

  put(id: string, session: Session): Promise<void> {
    this.#sessions.set(id, session);
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.#sessions.delete(id);
    this.#notes.delete(id);
    return Promise.resolve();
  }

  setNote(id: string, key: string, value: string): Promise<void> {
    const notes = this.#notes.get(id) ?? new Map<string, string>();
    notes.set(key, value);
    this.#notes.set(id, notes);
    return Promise.resolve();
  }

  notes(id: string): Promise<Record<string, string>> {
    return Promise.resolve(Object.fromEntries(this.#notes.get(id) ?? []));
  }
}

export class RedisSessionStore implements SessionStore {
  readonly mode = "redis";
  readonly #redis: RedisDep;

  constructor(redis: RedisDep) {
    this.#redis = redis;
  }

  async get(id: string): Promise<Session | null> {
    const raw = await this.#redis.get(`session:${id}`);
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  put(id: string, session: Session): Promise<void> {
    return this.#redis.set(`session:${id}`, JSON.stringify(session), SESSION_TTL_S);
  }

  async delete(id: string): Promise<void> {
    await this.#redis.del(`session:${id}`);
    await this.#redis.del(`session-notes:${id}`);
  }

  /** HSET on a hash beside the session, which lives as long as the session does. */
  setNote(id: string, key: string, value: string): Promise<void> {
    return this.#redis.hsetWithTtl(`session-notes:${id}`, key, value, SESSION_TTL_S);
  }

  notes(id: string): Promise<Record<string, string>> {
    return this.#redis.hgetall(`session-notes:${id}`);
  }
}

interface SessionRow {
  name: string;
  created_site: Site;
  created_at: Date;
}

/** A table on the MariaDB pair, reached through HAProxy: survives a site and a single database node. */
export class MysqlSessionStore implements SessionStore {
  readonly mode = "mysql";
  readonly #mysql: MysqlDep;

  constructor(mysql: MysqlDep) {
    this.#mysql = mysql;
  }

  async get(id: string): Promise<Session | null> {
    const rows = await this.#mysql.query<SessionRow>("SELECT name, created_site, created_at FROM sessions WHERE id = ?", [id]);
    const row = rows[0];
    return row ? { name: row.name, createdSite: row.created_site, createdAt: row.created_at.toISOString() } : null;
  }

  async put(id: string, session: Session): Promise<void> {
    await this.#mysql.query("INSERT INTO sessions (id, name, created_site, created_at) VALUES (?, ?, ?, ?)", [
      id,
      session.name,
      session.createdSite,
      new Date(session.createdAt),
    ]);
  }

  async delete(id: string): Promise<void> {
    await this.#mysql.query("DELETE FROM sessions WHERE id = ?", [id]);
    await this.#mysql.query("DELETE FROM session_notes WHERE session_id = ?", [id]);
  }

  async setNote(id: string, key: string, value: string): Promise<void> {
    await this.#mysql.query("INSERT INTO session_notes (session_id, k, v) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)", [id, key, value]);
  }

  async notes(id: string): Promise<Record<string, string>> {
    const rows = await this.#mysql.query<{ k: string; v: string }>("SELECT k, v FROM session_notes WHERE session_id = ?", [id]);
    return Object.fromEntries(rows.map((r) => [r.k, r.v]));
  }
}

export type SessionStores = Partial<Record<SessionStoreMode, SessionStore>>;

export function storeFor(stores: SessionStores, mode: SessionStoreMode): SessionStore {
  const store = stores[mode];
  if (!store) throw new HttpError(400, "store_not_configured", `session store '${mode}' is not configured on this site`);
  return store;
}
