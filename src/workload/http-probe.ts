import type { CookieJar } from "./cookie-jar.js";
import type { HttpClient, HttpResult } from "./http-client.js";
import type { OpF, OpValue } from "./op.js";
import type { Probe, ProbeOutcome } from "./scheduler.js";

/*
 * How an HTTP answer becomes an op, the rules every HTTP probe follows (documented once, in docs/api.md):
 * - a read: 2xx is ok; any other answer is fail (it did not read);
 * - a write: 2xx is ok; 4xx is fail (refused, certainly not applied); 5xx is info (it may have committed before
 *   the error: never counted as lost), except a 5xx whose body says `"error": "dependency_refused"`: the database
 *   answered that it would not apply it (read-only, not enough replicas), so fail;
 * - no answer: a refused connection (or a failed DNS lookup, a connect timeout) did nothing, so fail; anything
 *   else (a reset, the probe's timeout) is info for a write and for a read alike (its answer may still have been
 *   on its way).
 */
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function valueOf(r: HttpResult, extra: OpValue = {}): OpValue {
  const b = r.body;
  const source = str(b.source);
  const site = str(b.site);
  const version = num(b.version);
  // A write's effect on the cache (invalidated, or stale when Redis could not be told), for the checks.
  const cache = str(b.cache);
  // A dual write's databases that took it (seed 001's write to both).
  const copies = Array.isArray(b.copies) ? b.copies.filter((c): c is string => typeof c === "string") : undefined;
  return {
    ...extra,
    ...(cache !== undefined ? { note: `cache:${cache}` } : {}),
    ...(copies !== undefined ? { note: `copies:${copies.join(",")}` } : {}),
    status: r.status,
    ...(r.retried ? { retried: r.retried } : {}),
    ...(site !== undefined ? { site } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(source === "cache" || source === "replica" || source === "primary" ? { source } : {}),
  };
}

const errorOf = (r: HttpResult) => `${String(r.status)} ${str(r.body.error) ?? ""} ${str(r.body.message) ?? str(r.body.raw) ?? ""}`.trim();

/** The error code of an answer that says the database refused the change (it certainly did not apply it). */
export const REFUSED = "dependency_refused";

/** A read either happened or did not: any answer but 2xx is a failure. */
export function readOutcome(r: HttpResult, extra?: OpValue): ProbeOutcome {
  return r.status >= 200 && r.status < 300 ? { type: "ok", value: valueOf(r, extra) } : { type: "fail", value: valueOf(r, extra), error: errorOf(r) };
}

/**
 * A write refused with 4xx certainly did not happen; a 5xx may have committed before the error (a connection lost
 * after COMMIT, a proxy that gave up on a slow answer): unknown, so never counted as lost.
 */
export function writeOutcome(r: HttpResult, extra?: OpValue): ProbeOutcome {
  if (r.status >= 200 && r.status < 300) return { type: "ok", value: valueOf(r, extra) };
  const refused = r.status < 500 || r.body.error === REFUSED;
  return { type: refused ? "fail" : "info", value: valueOf(r, extra), error: errorOf(r) };
}

/** Errors before any answer: a refused connection did nothing; anything else may have. */
function thrownOutcome(e: unknown, write: boolean, extra?: OpValue): ProbeOutcome {
  const code = (e as { code?: string }).code ?? "";
  const message = e instanceof Error ? `${code} ${e.message}`.trim() : String(e);
  const refused = code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ENOTFOUND" || code === "EAI_AGAIN";
  return { type: refused || !write ? "fail" : "info", ...(extra ? { value: extra } : {}), error: message };
}

export async function guard(write: boolean, extra: OpValue | undefined, fn: () => Promise<ProbeOutcome>, signal: AbortSignal): Promise<ProbeOutcome> {
  try {
    return await fn();
  } catch (e) {
    // A timeout is unknown for reads too: the answer may still have been on its way.
    if (signal.aborted) return { type: "info", ...(extra ? { value: extra } : {}), error: (signal.reason as Error | undefined)?.message ?? "aborted" };
    return thrownOutcome(e, write, extra);
  }
}


/** How a generic probe's answers are judged: as reads or as writes (see the rules above). */
export type HttpClassification = "read" | "write";

export interface HttpProbeOptions {
  /** The op kind checks look for, e.g. "product-read" or one of the user's own. */
  readonly f: OpF;
  /** Process name in the history (default `<f>@<url's host>`). */
  readonly name?: string;
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  /** The URL of op n (a string for a fixed one). */
  readonly url: string | ((seq: number) => string);
  /** A JSON body for op n. */
  readonly body?: (seq: number) => unknown;
  /** The key op n touches, kept in its invoke and completion (for stale-read and lost-write checks). */
  readonly key?: (seq: number) => string;
  readonly cookie?: () => string;
  /**
   * One user's cookies (see `httpLogin`): sent with every request, and every answer's Set-Cookie kept, as a
   * browser does. Beside `cookie`, whose value is sent too.
   */
  readonly jar?: CookieJar;
  /**
   * What a good answer also is, beyond a 2xx: a status (or several), and a predicate on the answer (true, or
   * false / a reason when it is not the page a user should see). A read that misses it failed; a write that
   * misses it is unknown (it may have been applied).
   */
  readonly expect?: { readonly status?: number | readonly number[]; readonly body?: (answer: HttpResult) => boolean | string };
  /**
   * Tags each op carries for the checks: the session store, the site or node that answered. A string is
   * declared; a function reads it from the answer (a header-less PHP page: its text, say).
   */
  readonly tags?: { readonly [K in "store" | "site" | "node"]?: string | ((answer: HttpResult) => string | undefined) };
  /** The answer says the user's session is gone (a login page instead of the user's): the sessions check counts it lost. */
  readonly sessionLost?: (answer: HttpResult) => boolean;
  /** Read or write rules (default: GET is a read, anything else a write). */
  readonly classify?: HttpClassification;
  /** Called with each acknowledged op's key (a client's memory, for read-your-writes). */
  readonly onAck?: (key: string | undefined) => void;
}

/** The note a session read carries when the answer said the session is gone. */
export const SESSION_LOST = "session:lost";

function tagsOf(o: HttpProbeOptions, answer: HttpResult): OpValue {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(o.tags ?? {})) {
    const v = typeof t === "function" ? t(answer) : t;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Why an answer is not what the probe expects, or null. */
function missed(o: HttpProbeOptions, answer: HttpResult): string | null {
  const want = o.expect?.status;
  if (want !== undefined && !(typeof want === "number" ? [want] : want).includes(answer.status)) return `status ${String(answer.status)}, expected ${String(want)}`;
  const body = o.expect?.body?.(answer);
  if (body === false) return "the answer is not the expected page";
  if (typeof body === "string") return body;
  return null;
}

/**
 * A probe built from a request and a classification: what a team uses for its own app. The answer's JSON fields
 * `version`, `source` and `site` go into the op's value, as the built-in checks read them.
 */
export function httpProbe(http: HttpClient, o: HttpProbeOptions): Probe {
  const method = o.method ?? "GET";
  const kind = o.classify ?? (method === "GET" ? "read" : "write");
  const urlOf = (seq: number) => (typeof o.url === "string" ? o.url : o.url(seq));
  const judge = kind === "write" ? writeOutcome : readOutcome;
  return {
    name: o.name ?? `${o.f}@${new URL(urlOf(0)).host}`,
    f: o.f,
    ...(o.key ? { invoke: (seq: number) => ({ key: o.key?.(seq) ?? "" }) } : {}),
    run: (seq, signal) => {
      const extra: OpValue | undefined = o.key ? { key: o.key(seq) } : undefined;
      return guard(
        kind === "write",
        extra,
        async () => {
          const cookie = [o.cookie?.() ?? "", o.jar?.header() ?? ""].filter(Boolean).join("; ");
          const answer = await http.call(method, urlOf(seq), { ...(o.body ? { body: o.body(seq) } : {}), ...(cookie ? { cookie } : {}), signal });
          o.jar?.remember(answer.setCookie);
          const value: OpValue = { ...extra, ...tagsOf(o, answer) };
          let outcome = judge(answer, value);
          if (o.sessionLost?.(answer)) outcome = { type: "fail", value: { ...valueOf(answer, value), note: SESSION_LOST }, error: "the session is gone" };
          else if (outcome.type === "ok") {
            const why = missed(o, answer);
            if (why !== null) outcome = { type: kind === "write" ? "info" : "fail", value: valueOf(answer, value), error: why };
          }
          if (outcome.type === "ok") o.onAck?.(extra?.key);
          return outcome;
        },
        signal,
      );
    },
  };
}

/** Judges one answer by the rules above (for a team's own probes). */
export function classifyHttp(answer: HttpResult, kind: HttpClassification, value?: OpValue): ProbeOutcome {
  return kind === "write" ? writeOutcome(answer, value) : readOutcome(answer, value);
}
