import { Agent, request } from "undici";

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly setCookie: readonly string[];
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
  }

  async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    opts: { body?: unknown; cookie?: string; signal?: AbortSignal } = {},
  ): Promise<HttpResult> {
    const res = await request(url, {
      method,
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
    return { status: res.statusCode, body, setCookie: sc === undefined ? [] : Array.isArray(sc) ? sc : [sc] };
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
