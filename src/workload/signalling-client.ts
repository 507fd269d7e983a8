import { WebSocket } from "undici";

export interface SignallingOptions {
  /** ws://host:port/ws */
  readonly url: string;
  readonly room: string;
  readonly peer: string;
  /** Wait between reconnect attempts. */
  readonly reconnectMs?: number;
}

type Message = Record<string, unknown> & { type?: string; site?: string };

/**
 * A meeting client on the app's /ws channel: joins its room, and when the socket drops reconnects and joins
 * again (landing on whichever site the proxy sends it to). `ping` measures one round trip or fails in time.
 */
export class SignallingClient {
  readonly #opts: Required<SignallingOptions>;
  #ws: WebSocket | null = null;
  #closed = false;
  #joined: Promise<Message> | null = null;
  readonly #waiters = new Set<(m: Message) => void>();
  /** How many times the socket was opened (1 + reconnects). */
  connects = 0;
  /** The site that answered the last join. */
  site: string | null = null;

  constructor(opts: SignallingOptions) {
    this.#opts = { reconnectMs: 100, ...opts };
  }

  /** Connects and joins; resolves with the `joined` message. */
  start(): Promise<Message> {
    return this.#connect();
  }

  #connect(): Promise<Message> {
    const ws = new WebSocket(this.#opts.url);
    this.#ws = ws;
    this.#joined = new Promise<Message>((resolve, reject) => {
      ws.addEventListener("open", () => {
        this.connects++;
        ws.send(JSON.stringify({ type: "join", room: this.#opts.room, peer: this.#opts.peer }));
      });
      ws.addEventListener("message", (ev) => {
        const m = JSON.parse(String(ev.data)) as Message;
        if (m.type === "joined") {
          this.site = typeof m.site === "string" ? m.site : null;
          resolve(m);
        }
        for (const w of [...this.#waiters]) w(m);
      });
      ws.addEventListener("close", () => {
        reject(new Error("socket closed before joining"));
        if (!this.#closed) setTimeout(() => void this.#connect().catch(() => undefined), this.#opts.reconnectMs);
      });
      ws.addEventListener("error", () => undefined);
    });
    return this.#joined;
  }

  /** One ping; resolves with the pong (its site), rejects when none comes within timeoutMs. */
  async ping(timeoutMs: number): Promise<Message> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error("not connected");
    const t = Date.now() + Math.random();
    return new Promise<Message>((resolve, reject) => {
      const onMessage = (m: Message) => {
        if (m.type === "pong" && m.t === t) finish(() => { resolve(m); });
      };
      const timer = setTimeout(() => { finish(() => { reject(new Error(`no pong within ${String(timeoutMs)} ms`)); }); }, timeoutMs);
      const finish = (f: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(onMessage);
        f();
      };
      this.#waiters.add(onMessage);
      ws.send(JSON.stringify({ type: "ping", t }));
    });
  }

  /** Resolves once the client is joined again after a drop (or at once if it is joined now). */
  async rejoined(timeoutMs: number): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const joined = this.#joined;
      if (!joined) throw new Error("not started");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`not joined again within ${String(timeoutMs)} ms`);
      const outcome = await Promise.race([
        joined.then((m) => ({ m }), () => null),
        new Promise<null>((r) => setTimeout(() => { r(null); }, Math.min(left, 50))),
      ]);
      if (outcome && this.#ws?.readyState === WebSocket.OPEN) return outcome.m;
    }
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }
}
