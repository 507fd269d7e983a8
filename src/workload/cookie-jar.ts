import type { HttpClient, HttpResult } from "./http-client.js";

/**
 * One user's cookies, as a browser keeps them for one site: each answer's Set-Cookie stored by name (an expired
 * or `Max-Age=0` one removed), every request sending them back. Path, domain and expiry dates in the future are
 * not weighed: a probe follows one user on one site for one run.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Stores what an answer set. */
  remember(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
      const i = pair.indexOf("=");
      if (i <= 0) continue;
      const name = pair.slice(0, i);
      const expired = attributes.some((a) => /^max-age=\s*(0|-\d+)$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(i + 1));
    }
  }

  /** The Cookie header to send ("" when empty). */
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** Sets a cookie by hand (a sticky-session cookie such as HAProxy's `SRV=web1`). */
  set(name: string, value: string): this {
    this.#cookies.set(name, value);
    return this;
  }
}

/**
 * Logs a user in before the workload: one request whose answer must be 2xx (else a clear error: the workload
 * cannot start), its cookies kept in a new jar (or the one given) for the user's probes.
 */
export async function httpLogin(http: HttpClient, o: { readonly url: string; readonly method?: "GET" | "POST" | "PUT"; readonly body?: unknown; readonly jar?: CookieJar }): Promise<{ jar: CookieJar; answer: HttpResult }> {
  const jar = o.jar ?? new CookieJar();
  const cookie = jar.header();
  const answer = await http.call(o.method ?? "POST", o.url, { ...(o.body === undefined ? {} : { body: o.body }), ...(cookie ? { cookie } : {}) });
  if (answer.status < 200 || answer.status >= 300) throw new Error(`login at ${o.url} answered ${String(answer.status)}: ${answer.text.slice(0, 200)}`);
  jar.remember(answer.setCookie);
  return { jar, answer };
}
