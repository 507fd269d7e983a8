import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AppConfig, SessionStoreMode } from "./config.js";
import { SESSION_STORES } from "./config.js";
import { newSessionId, readCookie, setCookie, signSession, verifySession } from "./cookie.js";
import type { DependencyName } from "./deps/dependency.js";
import { checkHealth, type Probe } from "./health.js";
import {
  HttpError,
  type Json,
  type Reply,
  type Request,
  Router,
  assertId,
  badRequest,
  intField,
  objectBody,
  readJson,
  sendJson,
  stringField,
} from "./http.js";
import type { ItemService } from "./items.js";
import type { ProductService } from "./products.js";
import type { SeedTables } from "./seed-tables.js";
import { LineLog } from "./log.js";
import { Rooms, attachSignalling } from "./rooms.js";
import { SESSION_TTL_S, type SessionStores, storeFor } from "./sessions.js";

export interface AppServices {
  readonly products: ProductService | null;
  readonly items: ItemService | null;
  /** Seed 001's tables on Postgres, written to one database or, configured with a second, to both. */
  readonly seedTables?: SeedTables | null;
  readonly sessions: SessionStores;
  readonly probes: Partial<Record<DependencyName, Probe>>;
}

export interface App {
  readonly server: Server;
  readonly rooms: Rooms;
  /** Stop answering /health with 200 so proxies move users away, before the process exits. */
  drain(): void;
}

function need<T>(service: T | null, what: string): T {
  if (!service) throw new HttpError(503, "not_configured", `${what} is not configured on this site`);
  return service;
}

/** Where the client is and whether it came over https: from X-Forwarded-* only when told to trust the proxy. */
function clientOf(req: IncomingMessage, behindProxy: boolean): { ip: string; secure: boolean } {
  const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(",")[0]?.trim();
  const fwdIp = behindProxy ? first(req.headers["x-forwarded-for"]) : undefined;
  const fwdProto = behindProxy ? first(req.headers["x-forwarded-proto"]) : undefined;
  return { ip: fwdIp ?? req.socket.remoteAddress ?? "", secure: fwdProto === "https" };
}

export function createApp(config: AppConfig, services: AppServices): App {
  const { site } = config;
  const rooms = new Rooms();
  const log = new LineLog();
  let draining = false;
  const ok = (body: Json, status = 200, headers?: Reply["headers"]): Reply => ({ status, body: { site, ...body }, ...(headers ? { headers } : {}) });

  const sessionOf = (req: Request) => {
    const value = readCookie(req.raw.headers.cookie, config.cookieName);
    return value ? verifySession(config.cookieSecret, value) : null;
  };

  const router = new Router()
    .add("GET", "/health", async () => {
      const report = await checkHealth(config.testBugs.has("health-ignores-deps") ? {} : services.probes, draining, config.testBugs.has("health-requires-all-deps"));
      return { status: report.status === "down" ? 503 : 200, body: { site, ...report } };
    })
    .add("POST", "/session", async (req) => {
      const body = objectBody(await req.body());
      const name = stringField(body, "name", { max: 64 }) ?? "";
      const mode = (stringField(body, "store", { max: 16, optional: true }) ?? config.sessionStore) as SessionStoreMode;
      if (!(SESSION_STORES as readonly string[]).includes(mode)) throw badRequest(`'store' must be one of: ${SESSION_STORES.join(", ")}`);
      const store = storeFor(services.sessions, mode);
      const id = newSessionId();
      const session = { name, createdSite: site, createdAt: new Date().toISOString() };
      await store.put(id, session);
      const cookie = setCookie(config.cookieName, signSession(config.cookieSecret, { store: mode, id }), {
        secure: clientOf(req.raw, config.behindReverseProxy).secure,
        maxAgeS: SESSION_TTL_S,
      });
      return ok({ store: mode, session }, 201, { "set-cookie": cookie });
    })
    .add("GET", "/session", async (req) => {
      const ref = sessionOf(req);
      if (!ref) throw new HttpError(401, "no_session", "no valid session cookie");
      const store = storeFor(services.sessions, ref.store);
      const session = await store.get(ref.id);
      if (!session) throw new HttpError(401, "session_unknown", `session not found in the ${ref.store} store`);
      // Notes only when asked for: the plain read stays one round trip to the store.
      const notes = req.query.get("notes") === "1" ? { notes: await store.notes(ref.id) } : {};
      return ok({ store: ref.store, session, ...notes, client: clientOf(req.raw, config.behindReverseProxy).ip });
    })
    .add("PUT", "/session/notes/:key", async (req) => {
      const ref = sessionOf(req);
      if (!ref) throw new HttpError(401, "no_session", "no valid session cookie");
      const key = assertId(req.params.key, "note key");
      const value = stringField(objectBody(await req.body()), "value", { max: 1000 }) ?? "";
      await storeFor(services.sessions, ref.store).setNote(ref.id, key, value);
      return ok({ store: ref.store, key, value });
    })
    .add("DELETE", "/session", async (req) => {
      const ref = sessionOf(req);
      if (ref) await storeFor(services.sessions, ref.store).delete(ref.id);
      return ok({ deleted: ref !== null }, 200, { "set-cookie": `${config.cookieName}=; Path=/; Max-Age=0` });
    })
    .add("POST", "/products", async (req) => {
      const body = objectBody(await req.body());
      const id = assertId(stringField(body, "id", { max: 64 }), "'id'");
      const name = stringField(body, "name", { max: 200 }) ?? "";
      const price = intField(body, "priceCents", { min: 0, max: 100_000_000 }) ?? 0;
      const product = await need(services.products, "products").create(id, name, price);
      return ok({ ...product, source: "primary" }, 201);
    })
    .add("PUT", "/products/:id", async (req) => {
      const id = assertId(req.params.id, "product id");
      const body = objectBody(await req.body());
      const name = stringField(body, "name", { max: 200, optional: true });
      const priceCents = intField(body, "priceCents", { min: 0, max: 100_000_000, optional: true });
      if (name === undefined && priceCents === undefined) throw badRequest("give 'name' or 'priceCents' to change");
      const { product, cache } = await need(services.products, "products").update(id, { name, priceCents });
      return ok({ ...product, source: "primary", cache });
    })
    .add("GET", "/products/:id", async (req) => {
      const id = assertId(req.params.id, "product id");
      const { product, source, degraded } = await need(services.products, "products").get(id);
      return ok({ ...product, source, degraded });
    })
    .add("GET", "/items", async (req) => {
      const limit = Number(req.query.get("limit") ?? "50");
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest("'limit' must be an integer from 1 to 500");
      return ok({ items: await need(services.items, "items").list(limit), source: "primary" });
    })
    .add("GET", "/items/:id", async (req) => {
      const item = await need(services.items, "items").get(assertId(req.params.id, "item id"));
      return ok({ ...item, source: "primary" });
    })
    .add("POST", "/items", async (req) => {
      const body = objectBody(await req.body());
      const id = assertId(stringField(body, "id", { max: 64 }), "'id'");
      const value = stringField(body, "value", { max: 1000 }) ?? "";
      return ok({ ...(await need(services.items, "items").put(id, value)), source: "primary" }, 201);
    })
    .add("DELETE", "/items/:id", async (req) => {
      await need(services.items, "items").delete(assertId(req.params.id, "item id"));
      return ok({ deleted: true });
    })
    .add("POST", "/pg/items", async (req) => {
      const body = objectBody(await req.body());
      const name = assertId(stringField(body, "name", { max: 64 }), "'name'");
      const content = stringField(body, "content", { max: 1000 }) ?? "";
      return ok({ name, ...(await need(services.seedTables ?? null, "seed tables").createItem(name, content)) }, 201);
    })
    .add("PUT", "/pg/items/:name", async (req) => {
      const name = assertId(req.params.name, "item name");
      const content = stringField(objectBody(await req.body()), "content", { max: 1000 }) ?? "";
      return ok({ name, ...(await need(services.seedTables ?? null, "seed tables").updateItem(name, content)) });
    })
    .add("PUT", "/pg/sessions/:id", async (req) => {
      const id = assertId(req.params.id, "session id");
      const data = stringField(objectBody(await req.body()), "data", { max: 4000 }) ?? "";
      return ok({ id, ...(await need(services.seedTables ?? null, "seed tables").writeSession(id, data)) });
    })
    .add("GET", "/rooms/:id", (req) => {
      const id = assertId(req.params.id, "room id");
      const peers = rooms.peers(id);
      if (!peers) throw new HttpError(404, "not_found", `no room '${id}' on site ${site} (rooms are not migrated between sites)`);
      return Promise.resolve(ok({ room: id, peers }));
    });

  const server = createServer((raw, res) => {
    const start = performance.now();
    const url = new URL(raw.url ?? "/", "http://app");
    const match = router.match(raw.method ?? "GET", url.pathname);
    let route = "unmatched";
    const done = (reply: Reply) => {
      sendJson(res, reply);
      if (config.logRequests) {
        log.write({ t: new Date().toISOString(), site, method: raw.method, route, status: reply.status, ms: Math.round((performance.now() - start) * 10) / 10 });
      }
    };
    const fail = (e: unknown) => {
      if (e instanceof HttpError && e.status >= 503 && config.testBugs.has("dependency-errors-as-500")) { done({ status: 500, body: { site, error: "query_failed", message: e.message } }); return; }
      if (e instanceof HttpError) { done({ status: e.status, body: { site, error: e.code, message: e.message } }); return; }
      process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), site, route, error: String(e) })}\n`);
      done({ status: 500, body: { site, error: "internal", message: "internal error" } });
    };
    if (!("route" in match)) {
      const allowed = match.allowed;
      fail(
        allowed.length > 0
          ? new HttpError(405, "method_not_allowed", `use ${allowed.join(", ")} on ${url.pathname}`)
          : new HttpError(404, "not_found", `no route ${raw.method ?? ""} ${url.pathname}`),
      ); return;
    }
    route = match.route.pattern;
    const req: Request = {
      raw,
      method: raw.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      params: match.params,
      body: () => readJson(raw, config.bodyLimitBytes),
    };
    // A handler that throws before its first await must still answer, not crash the process.
    Promise.resolve()
      .then(() => (match.route.handler)(req))
      .then(done, fail);
  });
  server.keepAliveTimeout = 65_000;
  attachSignalling(server, rooms, site, config.bodyLimitBytes);
  return {
    server,
    rooms,
    drain: () => {
      draining = true;
    },
  };
}
