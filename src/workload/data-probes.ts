import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import type { OpF, OpValue } from "./op.js";
import type { Probe, ProbeOutcome } from "./scheduler.js";

/** Read or write rules: a failed read did nothing; a write that failed after it was sent may have happened. */
export type DataClassification = "read" | "write";

/** Errors before anything reached the server: the op certainly did not happen. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * How a client error becomes an op, the same rules as the HTTP probe's: a read that failed is `fail`; a write
 * refused before it was sent (connection refused, no such host) is `fail`; a write whose connection broke or
 * timed out after it was sent, or that the server rejected mid-transaction, may have been applied: `info`, never
 * counted as lost. A server's definite refusal of a write (a constraint, a read-only server) is `fail`.
 */
export function classifyClientError(e: unknown, kind: DataClassification, value?: OpValue): ProbeOutcome {
  const raw = (e as { code?: unknown }).code;
  const code = typeof raw === "string" || typeof raw === "number" ? String(raw) : "";
  const message = `${code} ${e instanceof Error ? e.message : String(e)}`.trim();
  const base = value ? { value } : {};
  // ioredis without an offline queue refuses a command while it is not connected: never sent.
  const unsent = NOT_SENT.has(code) || /enableOfflineQueue/.test(message) || e instanceof NotConnected;
  if (kind === "read" || unsent) return { type: "fail", ...base, error: message };
  // SQLSTATE class 23 (integrity) and 25006 (read-only transaction), MySQL's ER_DUP_ENTRY and read-only: refused.
  const refused = /^23/.test(code) || code === "25006" || code === "ER_DUP_ENTRY" || code === "ER_OPTION_PREVENTS_STATEMENT" || /READONLY/.test(message);
  return { type: refused ? "fail" : "info", ...base, error: message };
}

export interface SqlTarget {
  readonly engine: "postgres" | "mysql";
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface SqlProbeOptions {
  readonly f: OpF;
  readonly name?: string;
  readonly target: SqlTarget | (() => SqlTarget);
  /** Op n's statement and parameters (`$1` for Postgres, `?` for MySQL), and the key it touches. */
  readonly statement: (seq: number) => { readonly sql: string; readonly params?: readonly unknown[]; readonly key?: string };
  readonly classify: DataClassification;
  /** Reads the op's value from the first row (a `version` column becomes the op's version). */
  readonly value?: (row: Record<string, unknown> | undefined) => OpValue;
  /** Connect timeout, ms (default 1000): the probe's own timeout bounds the rest. */
  readonly connectTimeoutMs?: number;
}

/**
 * Every row a statement returns, on a connection of its own to the target (the team's database and user); an
 * abort (the probe's timeout) closes the connection.
 */
/**
 * Ends a client's connection: Terminate, then the close. A peer that never closes its side (an address that moved
 * to another node, which knows nothing of the connection) gets `graceMs`, then the socket is destroyed: a
 * half-closed socket would otherwise hold the process open for good.
 */
async function endClient(c: pg.Client, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([c.end().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

export async function queryRows(t: SqlTarget, sql: string, params: readonly unknown[] = [], connectTimeoutMs = 2000, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
  if (t.engine === "postgres") {
    const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, connectionTimeoutMillis: connectTimeoutMs });
    // A connection the server or a proxy cuts (a node killed, HAProxy's shutdown-sessions) is an error event too;
    // the query's own rejection reports it, and an unheard event would end the process.
    c.on("error", () => undefined);
    const abort = () => void endClient(c, connectTimeoutMs);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      await c.connect();
      return (await c.query<Record<string, unknown>>(sql, [...params])).rows;
    } finally {
      signal?.removeEventListener("abort", abort);
      await endClient(c, connectTimeoutMs);
    }
  }
  const c = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database, connectTimeout: connectTimeoutMs });
  const abort = () => {
    c.destroy();
  };
  signal?.addEventListener("abort", abort, { once: true });
  try {
    const [rows] = await c.query(sql, [...params]);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  } finally {
    signal?.removeEventListener("abort", abort);
    c.destroy();
  }
}

/**
 * What the SQL and Redis probes share: op n's key in its invoke and its completion, the op's own value on
 * success, and the rules above for an error (an op cut by the probe's timeout is unknown).
 */
function keyedProbe(name: string, f: OpF, keyOf: (seq: number) => string | undefined, classify: DataClassification, op: (seq: number, signal: AbortSignal) => Promise<OpValue | undefined>): Probe {
  const keyed = (seq: number): OpValue | undefined => {
    const key = keyOf(seq);
    return key === undefined ? undefined : { key };
  };
  return {
    name,
    f,
    invoke: keyed,
    run: async (seq, signal) => {
      const k = keyed(seq);
      try {
        return { type: "ok", value: { ...k, ...(await op(seq, signal)) } };
      } catch (e) {
        return signal.aborted ? { type: "info", ...(k ? { value: k } : {}), error: "timed out" } : classifyClientError(e, classify, k);
      }
    },
  };
}

/** A probe that runs one SQL statement per op on its own connection (a client of the database, not of the app). */
export function sqlProbe(o: SqlProbeOptions): Probe {
  const targetOf = () => (typeof o.target === "function" ? o.target() : o.target);
  return keyedProbe(o.name ?? `${o.f}@${targetOf().engine}`, o.f, (seq) => o.statement(seq).key, o.classify, async (seq, signal) => {
    const s = o.statement(seq);
    const [row] = await queryRows(targetOf(), s.sql, s.params ?? [], o.connectTimeoutMs ?? 1000, signal);
    const version = typeof row?.version === "number" ? row.version : undefined;
    return { ...(version !== undefined ? { version } : {}), ...o.value?.(row) };
  });
}

export interface RedisProbeOptions {
  readonly f: OpF;
  readonly name?: string;
  readonly target: { readonly host: string; readonly port: number } | (() => { readonly host: string; readonly port: number });
  /** Op n's command (`["SET", key, value]`) and the key it touches. */
  readonly command: (seq: number) => { readonly args: readonly [string, ...(string | number)[]]; readonly key?: string };
  readonly classify: DataClassification;
  /** Reads the op's value from the reply (a number can be a version). */
  readonly value?: (reply: unknown) => OpValue;
  /**
   * `kept` (the default): one client for the whole run, reconnecting by itself, as a long-lived service holds one.
   * `per-op`: a new connection for each command, as a PHP request opens one: each op meets whatever a proxy in
   * between chooses for a new connection at that moment.
   */
  readonly connection?: "kept" | "per-op";
}

/** A connection that never came up: nothing was sent on it (its cause's code and message kept). */
class NotConnected extends Error {
  readonly code: unknown;
  constructor(cause: unknown) {
    super(`not connected: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.code = (cause as { code?: unknown } | undefined)?.code;
  }
}

/** One command on a connection of its own, closed after it: connecting and the command both bounded by `signal`. */
async function oneShotCommand(target: { readonly host: string; readonly port: number }, name: string, args: readonly string[], signal: AbortSignal): Promise<unknown> {
  // ioredis rejects a failed connect with "Connection is closed."; the cause (ECONNREFUSED...) comes as an event.
  let cause: unknown;
  const r = new Redis({ ...target, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 }).on("error", (e) => {
    cause = e;
  });
  try {
    return await Promise.race([
      r.connect().then(
        () => r.call(name, ...args),
        (e: unknown) => {
          throw new NotConnected(cause ?? e);
        },
      ),
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => { reject(new Error("timed out")); }, { once: true });
      }),
    ]);
  } finally {
    r.disconnect();
  }
}

/**
 * A probe that sends one Redis command per op on a client of its own: no offline queue and no retries (a
 * command the client would replay later is not what a user saw), each command bounded by the probe's timeout.
 */
export function redisProbe(o: RedisProbeOptions): Probe & { close(): void } {
  let client: Redis | undefined;
  let connected: Promise<void> | undefined;
  const targetOf = () => (typeof o.target === "function" ? o.target() : o.target);
  // Connected before the first command (a command with no connection yet is refused, never queued); after that,
  // ioredis reconnects by itself and a command while it is away fails as not sent.
  const clientOf = async () => {
    client ??= new Redis({ ...targetOf(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100, connectTimeout: 1000 }).on("error", () => undefined);
    connected ??= client.connect().catch((e: unknown) => {
      connected = undefined;
      throw e;
    });
    await connected;
    return client;
  };
  const probe = keyedProbe(o.name ?? `${o.f}@redis`, o.f, (seq) => o.command(seq).key, o.classify, async (seq, signal) => {
    const [name, ...args] = o.command(seq).args;
    if (o.connection === "per-op") {
      // Sent before `value` is asked: an optional call would skip its argument, and the command with it.
      const reply = await oneShotCommand(targetOf(), name, args.map(String), signal);
      return o.value?.(reply);
    }
    const reply: unknown = await Promise.race([
      clientOf().then((c) => c.call(name, ...args.map(String))),
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => { reject(new Error("timed out")); }, { once: true });
      }),
    ]);
    return o.value?.(reply);
  });
  return {
    ...probe,
    close: () => {
      client?.disconnect();
    },
  };
}
