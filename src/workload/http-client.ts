import { subscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { Agent, request } from "undici";

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The answer as text (HTML pages are judged on it). */
  readonly text: string;
  readonly setCookie: readonly string[];
  /** Set when the request was sent again, and why (the one case a user agent retries by itself). */
  readonly retried?: typeof REUSED_CONNECTION_CLOSED;
}

/** Why a request was sent twice: its kept-alive connection closed before any answer (RFC 9110 §9.2.2). */
export const REUSED_CONNECTION_CLOSED = "reused-connection-closed";

/** The methods RFC 9110 calls idempotent: the only ones a user agent may send again by itself. */
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * How many requests each open connection has carried, by its local address (undici's socket errors name the
 * socket by its addresses, not by the object): a request that was not its connection's first went out on a
 * reused connection. Counted from undici's own diagnostics channel, once per process.
 */
const requestsOn = new Map<string, number>();
/** Closed connections' counts, kept a while: the error reaches the caller after the socket's close event. */
const closedWith = new Map<string, { readonly n: number; readonly at: number }>();
const CLOSED_KEPT_MS = 10_000;
const socketKey = (s: { localAddress?: string | undefined; localPort?: number | undefined; remotePort?: number | undefined }) => `${s.localAddress ?? ""}:${String(s.localPort)}>${String(s.remotePort)}`;
let counting = false;
function countRequestsPerConnection(): void {
  if (counting) return;
  counting = true;
  subscribe("undici:client:sendHeaders", (message) => {
    const socket = (message as { socket: Socket }).socket;
    const key = socketKey(socket);
    const n = requestsOn.get(key);
    if (n === undefined) {
      closedWith.delete(key);
      socket.once("close", () => {
        const now = performance.now();
        for (const [k, v] of closedWith) if (now - v.at > CLOSED_KEPT_MS) closedWith.delete(k);
        closedWith.set(key, { n: requestsOn.get(key) ?? 0, at: now });
        requestsOn.delete(key);
      });
    }
    requestsOn.set(key, (n ?? 0) + 1);
  });
}

/**
 * A kept-alive connection the server closed as the request went out (Apache's KeepAliveTimeout or
 * MaxKeepAliveRequests racing the next request): undici's socket error before any response, on a connection
 * that had carried an earlier request. Every browser sends an idempotent request again in that case.
 */
function closedReusedConnection(e: unknown): boolean {
  const err = e as { code?: string; socket?: { localAddress?: string; localPort?: number; remotePort?: number } };
  if (err.code !== "UND_ERR_SOCKET" || !err.socket) return false;
  const key = socketKey(err.socket);
  return (requestsOn.get(key) ?? closedWith.get(key)?.n ?? 0) > 1;
}

/**
 * One undici agent for a workload: keep-alive connections, a short connect timeout (a dead address fails fast),
 * and one call that returns status and JSON whatever the status. No cap on connections per origin: probes fire
 * at a fixed rate whatever the latency (the open model), and a cap would queue them in the client when answers
 * slow down, adding the queue to their measured latency and delaying ops behind others (coordinated omission:
 * seen as 800 ms timeouts measured at 1345 ms while Redis was frozen). The scheduler bounds what is in flight:
 * every op is aborted at its timeout.
 */
export class HttpClient {
  readonly #agent: Agent;

  constructor(options: { connectTimeoutMs?: number } = {}) {
    this.#agent = new Agent({ connect: { timeout: options.connectTimeoutMs ?? 500 }, keepAliveTimeout: 10_000, connections: null });
    countRequestsPerConnection();
  }

  /**
   * One request, as a user agent sends it: an idempotent request whose reused connection closed before any answer
   * is sent once more on a new one (and the result says so); nothing else is ever retried.
   */
  async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    opts: { body?: unknown; cookie?: string; signal?: AbortSignal } = {},
  ): Promise<HttpResult> {
    try {
      return await this.#once(method, url, opts);
    } catch (e) {
      if (!IDEMPOTENT.has(method) || !closedReusedConnection(e) || opts.signal?.aborted) throw e;
      return { ...(await this.#once(method, url, opts)), retried: REUSED_CONNECTION_CLOSED };
    }
  }

  async #once(method: string, url: string, opts: { body?: unknown; cookie?: string; signal?: AbortSignal }): Promise<HttpResult> {
    const res = await request(url, {
      method: method as "GET",
      dispatcher: this.#agent,
      headers: {
        ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = await res.body.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    const sc = res.headers["set-cookie"];
    return { status: res.statusCode, body, text, setCookie: sc === undefined ? [] : Array.isArray(sc) ? sc : [sc] };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** The `name=value` part of each Set-Cookie, joined for a Cookie header (the app's session and HAProxy's SRV). */
export function cookieHeader(setCookie: readonly string[], previous = ""): string {
  const jar = new Map<string, string>();
  for (const part of previous.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k) jar.set(k, v.join("="));
  }
  for (const c of setCookie) {
    const [pair] = c.split(";");
    const [k, ...v] = (pair ?? "").trim().split("=");
    if (k) jar.set(k, v.join("="));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
