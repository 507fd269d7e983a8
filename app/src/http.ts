import type { IncomingMessage, ServerResponse } from "node:http";

/** A client or dependency problem with the status and JSON body it maps to. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, "bad_request", message);
export const notFound = (message: string): HttpError => new HttpError(404, "not_found", message);

export type Params = Readonly<Record<string, string>>;
export type Json = Record<string, unknown>;

export interface Request {
  readonly raw: IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Params;
  /** Parsed JSON body (only for methods that send one); `{}` when empty. */
  body(): Promise<unknown>;
}

/** A handler returns the status and JSON to send, or throws an HttpError. */
export interface Reply {
  readonly status: number;
  readonly body: Json;
  readonly headers?: Readonly<Record<string, string | string[]>>;
}

export type Handler = (req: Request) => Promise<Reply>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly pattern: string;
  readonly handler: Handler;
}

/** Exact-segment routing with `:name` parameters: all this app's routes need. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, pattern, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** The route for a path, its parameters, or which methods the path allows (405) or none (404). */
  match(method: string, path: string): { route: Route; params: Params } | { allowed: string[] } {
    const parts = path.split("/").filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    return { allowed };
  }
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? "";
    const part = parts[i] ?? "";
    if (seg.startsWith(":")) {
      let value: string;
      try {
        value = decodeURIComponent(part);
      } catch {
        return null;
      }
      params[seg.slice(1)] = value;
    } else if (seg !== part) return null;
  }
  return params;
}

/** Reads a body up to `limit` bytes and parses it as JSON; 413 past the limit, 400 when it is not JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, "payload_too_large", `body is over the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "payload_too_large", `body is over the ${limit}-byte limit`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw badRequest("body is not valid JSON");
  }
}

export function sendJson(res: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...reply.headers,
  });
  res.end(payload);
}

/** The body as an object with the fields a route expects: 400 naming the first one that is missing or wrong. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("body must be a JSON object");
  return body as Record<string, unknown>;
}

export function stringField(o: Record<string, unknown>, key: string, opts: { max: number; optional?: boolean }): string | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== "string" || v.length === 0 || v.length > opts.max) {
    throw badRequest(`'${key}' must be a non-empty string of at most ${opts.max} characters`);
  }
  return v;
}

export function intField(o: Record<string, unknown>, key: string, opts: { min: number; max: number; optional?: boolean }): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < opts.min || v > opts.max) {
    throw badRequest(`'${key}' must be an integer from ${opts.min} to ${opts.max}`);
  }
  return v;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Ids are chosen by clients (so a history can name its writes): short and plain. */
export function assertId(id: string | undefined, what: string): string {
  if (id === undefined || !ID.test(id)) throw badRequest(`${what} must be 1-64 characters of letters, digits, _ . : -`);
  return id;
}
