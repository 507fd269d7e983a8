import type { HttpClient, HttpResult } from "./http-client.js";
import { guard, readOutcome, writeOutcome } from "./http-probe.js";
import type { OpF } from "./op.js";
import type { Probe } from "./scheduler.js";
import type { SignallingClient } from "./signalling-client.js";

export interface Target {
  /** Where the probe sends: Caddy, HAProxy web or one site, e.g. http://127.0.0.1:32768 */
  readonly url: string;
  /** A label for process names: caddy, haproxy, gra, sbg. */
  readonly via: string;
}

/** Reads one session again and again: ok while the store still knows it, fail (401) once it is lost. */
export function sessionRead(http: HttpClient, target: Target, store: string, cookie: () => string): Probe {
  return {
    name: `session-${store}@${target.via}`,
    f: "session-read",
    run: (_, signal) =>
      guard(false, { store }, async () => readOutcome(await http.call("GET", `${target.url}/session`, { cookie: cookie(), signal }), { store }), signal),
  };
}

/** Keys taken in turn (op n touches keys[n mod length]), or a fresh key per op (`prefix-n`). */
const inTurn = (keys: readonly string[]) => (seq: number) => keys[seq % keys.length] ?? "";
const fresh = (prefix: string) => (seq: number) => `${prefix}-${String(seq)}`;

/**
 * A probe whose op n touches key(n): the key is in its invoke and in its completion whatever happened, and the
 * answer is judged as a read or as a write (`onAck` sees each acknowledged write's key).
 */
function keyedProbe(
  name: string,
  f: OpF,
  key: (seq: number) => string,
  kind: "read" | "write",
  request: (key: string, seq: number, signal: AbortSignal) => Promise<HttpResult>,
  onAck?: (key: string) => void,
): Probe {
  const judge = kind === "write" ? writeOutcome : readOutcome;
  return {
    name,
    f,
    invoke: (seq) => ({ key: key(seq) }),
    run: (seq, signal) => {
      const k = key(seq);
      return guard(
        kind === "write",
        { key: k },
        async () => {
          const outcome = judge(await request(k, seq, signal), { key: k });
          if (outcome.type === "ok") onAck?.(k);
          return outcome;
        },
        signal,
      );
    },
  };
}

/** PUTs products in turn: each acknowledged write has a version checks can compare reads with. */
export function productWrite(http: HttpClient, target: Target, keys: readonly string[], name = `product-write@${target.via}`): Probe {
  return keyedProbe(name, "product-write", inTurn(keys), "write", (k, seq, signal) =>
    http.call("PUT", `${target.url}/products/${k}`, { body: { name: `w${String(seq)}` }, signal }),
  );
}

/** GETs products in turn: each read has a version and a source (cache, replica, primary). */
export function productRead(http: HttpClient, target: Target, keys: readonly string[], name = `product-read@${target.via}`): Probe {
  return keyedProbe(name, "product-read", inTurn(keys), "read", (k, _, signal) => http.call("GET", `${target.url}/products/${k}`, { signal }));
}

/** Inserts a new product per op (a unique id): the final read looks for every acknowledged one. */
export function productInsert(http: HttpClient, target: Target, prefix: string): Probe {
  return keyedProbe(`product-insert@${target.via}`, "product-insert", fresh(prefix), "write", (k, seq, signal) =>
    http.call("POST", `${target.url}/products`, { body: { id: k, name: "insert", priceCents: seq }, signal }),
  );
}

/**
 * Sets a new note of one session per op (a unique key, in its own HSET): the session's data as users change it.
 * `f` tells writers apart (one per site, say), so each is checked for loss on its own.
 */
export function sessionNoteWrite(http: HttpClient, target: Target, cookie: () => string, prefix: string, f: OpF = "session-note-write"): Probe {
  return keyedProbe(`${f}@${target.via}`, f, fresh(prefix), "write", (k, seq, signal) =>
    http.call("PUT", `${target.url}/session/notes/${k}`, { body: { value: `v${String(seq)}` }, cookie: cookie(), signal }),
  );
}

/** The note keys a session has now (null when the read failed): a final read for `sessionNoteWrite`. */
export async function sessionNoteKeys(http: HttpClient, target: Target, cookie: string): Promise<Set<string> | null> {
  try {
    const r = await http.call("GET", `${target.url}/session?notes=1`, { cookie });
    if (r.status !== 200 || typeof r.body.notes !== "object" || r.body.notes === null) return null;
    return new Set(Object.keys(r.body.notes));
  } catch {
    return null;
  }
}

/** What one client last had acknowledged: its reader reads that key next (read-your-writes). */
export interface ClientMemory {
  lastAcked: string | null;
}

/** Writes a new item per op on the MariaDB pair; remembers the last acknowledged key for the client's reader. */
export function itemWrite(http: HttpClient, target: Target, prefix: string, name = `item-write@${target.via}`, memory?: ClientMemory): Probe {
  return keyedProbe(
    name,
    "item-write",
    fresh(prefix),
    "write",
    (k, seq, signal) => http.call("POST", `${target.url}/items`, { body: { id: k, value: `v${String(seq)}` }, signal }),
    memory
      ? (k) => {
          memory.lastAcked = k;
        }
      : undefined,
  );
}

/** Upserts items in turn over a fixed set of keys (one row per key, its version counting the writes). */
export function itemUpsert(http: HttpClient, target: Target, keys: readonly string[], name = `item-update@${target.via}`): Probe {
  return keyedProbe(name, "item-update", inTurn(keys), "write", (k, seq, signal) =>
    http.call("POST", `${target.url}/items`, { body: { id: k, value: `${target.via}-${String(seq)}` }, signal }),
  );
}

/** Seed 001's `items` through the app (on one database, or on both when the app writes to two): a new item per op. */
export function seedItemCreate(http: HttpClient, target: Target, prefix: string): Probe {
  return keyedProbe(`pg-item-write@${target.via}`, "pg-item-write", fresh(prefix), "write", (k, seq, signal) =>
    http.call("POST", `${target.url}/pg/items`, { body: { name: k, content: `v${String(seq)}` }, signal }),
  );
}

/** Rewrites existing seed-001 items in turn (made before the workload), each op's content its own. */
export function seedItemUpdate(http: HttpClient, target: Target, names: readonly string[]): Probe {
  return keyedProbe(`pg-item-update@${target.via}`, "pg-item-update", inTurn(names), "write", (k, seq, signal) =>
    http.call("PUT", `${target.url}/pg/items/${k}`, { body: { content: `${target.via}-${String(seq)}` }, signal }),
  );
}

/** Saves seed 001's `php_session` row of a new visitor per op (PHP's session handler on a first visit). */
export function seedSessionWrite(http: HttpClient, target: Target, prefix: string): Probe {
  return keyedProbe(`pg-session-write@${target.via}`, "pg-session-write", fresh(prefix), "write", (k, seq, signal) =>
    http.call("PUT", `${target.url}/pg/sessions/${k}`, { body: { data: `${target.via}-${String(seq)}` }, signal }),
  );
}

/** Reads the item its client last wrote: 404 there means the client's own acknowledged write is not visible. */
export function itemRead(http: HttpClient, target: Target, name: string, memory: ClientMemory): Probe {
  return {
    name,
    f: "item-read",
    ready: () => memory.lastAcked !== null,
    invoke: () => (memory.lastAcked ? { key: memory.lastAcked } : undefined),
    run: async (_, signal) => {
      const key = memory.lastAcked;
      if (!key) return { type: "fail", error: "nothing written yet" };
      return guard(false, { key }, async () => readOutcome(await http.call("GET", `${target.url}/items/${key}`, { signal }), { key }), signal);
    },
  };
}

/** Pings over a signalling socket that reconnects by itself: fails while it is down, ok once it is back. */
export function wsPing(client: SignallingClient, via: string, timeoutMs: number): Probe {
  return {
    name: `ws-ping@${via}`,
    f: "ws-ping",
    run: async () => {
      try {
        const pong = await client.ping(timeoutMs);
        return { type: "ok", value: { ...(typeof pong.site === "string" ? { site: pong.site } : {}) } };
      } catch (e) {
        return { type: "fail", error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** GET /health on one site: the dependency states go in the op's note (`pg-write:up,redis:down`). */
export function healthProbe(http: HttpClient, target: Target): Probe {
  return {
    name: `health@${target.via}`,
    f: "health",
    run: (_, signal) =>
      guard(false, undefined, async () => {
        const r = await http.call("GET", `${target.url}/health`, { signal });
        const deps = (r.body.dependencies ?? {}) as Record<string, { state?: string }>;
        const note = Object.entries(deps).map(([k, v]) => `${k}:${v.state ?? "?"}`).join(",");
        return { type: r.status === 200 ? "ok" : "fail", value: { status: r.status, note } };
      }, signal),
  };
}

/** Dependency states from a health op's note. */
export function healthStates(note: string | undefined): Record<string, string> {
  return Object.fromEntries((note ?? "").split(",").filter(Boolean).map((kv) => kv.split(":") as [string, string]));
}
