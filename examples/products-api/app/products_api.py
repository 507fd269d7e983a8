"""The products API of seed 004: cache-aside reads (Redis, then the replica), writes to the primary.

Reads:  GET /products/<id>  -> Redis `product:<id>` (hit) or the replica through HAProxy's pg-read (miss), then
        cached for APP_CACHE_TTL_S (seed 004: 60 s). With APP_READ_POLICY=strict (seed 004's choice) a replica
        failure is a 5xx; with `fallback` the primary is read instead.
Writes: POST /products, PUT /products/<id> -> the primary through HAProxy's pg-write, then DEL of the cache key.
Health: GET /health -> 200 while a database answers (Redis is optional: a cache), 503 otherwise; its body names
        the site and each dependency's state, as Brownout's stack contract asks.

Every dependency call is bounded by APP_DEP_TIMEOUT_MS: libpq cannot time out below two seconds, so each call runs
in a worker thread and the request gives up on it after the bound (the thread finishes or fails on its own).
APP_TEST_BUGS switches on test-only regressions, for Brownout's mutants; never set in production.
"""

import json
import os
import re
import socketserver
import threading
import concurrent.futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import redis

SITE = os.environ.get("APP_SITE", "local")
PORT = int(os.environ.get("APP_PORT", "8080"))
TIMEOUT_S = int(os.environ.get("APP_DEP_TIMEOUT_MS", "800")) / 1000
# /health's own bound on each dependency probe: shorter than the proxies' check timeouts, or one slow dependency
# makes a healthy site look dead to Caddy and HAProxy.
HEALTH_TIMEOUT_S = int(os.environ.get("APP_HEALTH_TIMEOUT_MS", "300")) / 1000
CACHE_TTL_S = int(os.environ.get("APP_CACHE_TTL_S", "60"))
READ_POLICY = os.environ.get("APP_READ_POLICY", "strict")
BUGS = set(filter(None, os.environ.get("APP_TEST_BUGS", "").split(",")))
PG = {
    "user": os.environ.get("APP_PG_USER", "postgres"),
    "password": os.environ.get("APP_PG_PASSWORD", ""),
    "dbname": os.environ.get("APP_PG_DATABASE", "postgres"),
}


def _address(name):
    host, port = os.environ[name].rsplit(":", 1)
    return host, int(port)


# Test-only regressions (mutants), each a plausible change a team could ship:
#   cache-errors-fail-requests  a Redis error is returned to the user instead of read through to the database
#   health-requires-all-deps    /health fails when any dependency is down, the optional cache included
#   strict-reads-fall-back      the strict read policy quietly reads the primary when the replica fails
#   no-dep-timeout              dependency calls wait as long as the network does
#   commit-batched              a write is acknowledged at once and committed with the others once a second (a
#                               throughput "optimisation"): a crash loses up to a second of acknowledged writes
BOUND_S = None if "no-dep-timeout" in BUGS else TIMEOUT_S


class DependencyError(Exception):
    pass


def bounded(fn, timeout_s=None):
    """Runs fn on a thread of its own; gives up on it after the dependency timeout.

    A thread per call, not a pool: a call stuck on a peer that vanished (a proxy removed mid-connection, whose
    proxy in front keeps the socket open) can hold its thread for minutes, and a bounded pool would then fill
    with stuck calls and queue every later one behind them: the API would stay down after the dependency is back.
    """
    bound_s = BOUND_S if timeout_s is None else timeout_s
    future = concurrent.futures.Future()

    def run():
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn())
        except BaseException as e:  # handed to the caller
            future.set_exception(e)

    threading.Thread(target=run, daemon=True).start()
    try:
        return future.result(timeout=bound_s)
    except concurrent.futures.TimeoutError:
        raise DependencyError(f"timed out after {int((bound_s or 0) * 1000)} ms")
    except DependencyError:
        raise
    except Exception as e:  # a driver error: the dependency failed
        raise DependencyError(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)


def commit_later(conn):
    try:
        conn.commit()
    except Exception:
        pass  # the primary died: what was acknowledged is gone
    finally:
        conn.close()


def pg(which, query, args=(), write=False, timeout_s=None):
    host, port = _address("APP_PG_WRITE" if which == "write" else "APP_PG_READ")

    def call():
        # A worker the request gave up on must still end: libpq's own timeouts bound the connect (whole seconds,
        # two at least), and tcp_user_timeout and keepalives end a connection whose peer vanished (a proxy
        # removed mid-query sends no RST). Without them stuck workers pile up until the pool is full.
        conn = psycopg2.connect(
            host=host,
            port=port,
            connect_timeout=max(2, int(TIMEOUT_S + 1)),
            tcp_user_timeout=max(1000, int(TIMEOUT_S * 1000)),
            keepalives=1,
            keepalives_idle=1,
            keepalives_interval=1,
            keepalives_count=2,
            options=f"-c statement_timeout={max(1000, int(TIMEOUT_S * 1000))}",
            **PG,
        )
        batched = False
        try:
            with conn.cursor() as cur:
                cur.execute(query, args)
                rows = cur.fetchall() if cur.description else []
            if write and "commit-batched" in BUGS:
                batched = True
                threading.Timer(1.0, commit_later, (conn,)).start()
            elif write:
                conn.commit()
            return rows
        finally:
            if not batched:
                conn.close()

    return bounded(call, timeout_s)


_redis_host, _redis_port = _address("APP_REDIS")
CACHE = redis.Redis(host=_redis_host, port=_redis_port, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)


def cache(fn, timeout_s=None):
    return bounded(lambda: fn(CACHE), timeout_s)


def product_json(row, source):
    return {"id": row[0], "name": row[1], "priceCents": row[2], "version": row[3], "source": source, "site": SITE}


SELECT = "SELECT id, name, price_cents, version FROM products WHERE id = %s"


def read_product(pid):
    key = f"product:{pid}"
    try:
        hit = cache(lambda r: r.get(key))
        if hit is not None:
            body = json.loads(hit)
            return 200, {**body, "source": "cache", "site": SITE}
    except DependencyError as e:
        if "cache-errors-fail-requests" in BUGS:
            return 503, {"error": "cache", "message": str(e)}
    try:
        rows = pg("read", SELECT, (pid,))
        source = "replica"
    except DependencyError as e:
        if READ_POLICY != "fallback" and "strict-reads-fall-back" not in BUGS:
            return 503, {"error": "replica", "message": str(e)}
        try:
            rows = pg("write", SELECT, (pid,))
            source = "primary"
        except DependencyError as e2:
            return 503, {"error": "database", "message": str(e2)}
    if not rows:
        return 404, {"error": "not found"}
    body = product_json(rows[0], source)
    try:
        cache(lambda r: r.set(key, json.dumps(body), ex=CACHE_TTL_S))
    except DependencyError:
        pass  # the cache is optional
    return 200, body


def invalidate(pid):
    try:
        # cache-invalidation-wrong-key: a renamed key in the write path only; the answer still says invalidated.
        key = f"products:{pid}" if "cache-invalidation-wrong-key" in BUGS else f"product:{pid}"
        cache(lambda r: r.delete(key))
        return "invalidated"
    except DependencyError:
        return "stale"


def write_product(pid, name):
    try:
        rows = pg("write", "UPDATE products SET name = %s, version = version + 1 WHERE id = %s RETURNING version", (name, pid), write=True)
    except DependencyError as e:
        return 503, {"error": "primary", "message": str(e)}
    if not rows:
        return 404, {"error": "not found"}
    return 200, {"id": pid, "version": rows[0][0], "cache": invalidate(pid), "site": SITE}


def insert_product(body):
    try:
        pg("write", "INSERT INTO products (id, name, price_cents) VALUES (%s, %s, %s)", (body["id"], body.get("name", ""), int(body.get("priceCents", 0))), write=True)
    except DependencyError as e:
        return 503, {"error": "primary", "message": str(e)}
    except (KeyError, ValueError) as e:
        return 400, {"error": "bad request", "message": str(e)}
    return 201, {"id": body["id"], "version": 1, "site": SITE}


def health():
    h = None if "no-dep-timeout" in BUGS else HEALTH_TIMEOUT_S
    probes = {
        "postgres-write": lambda: pg("write", "SELECT 1", timeout_s=h),
        "postgres-read": lambda: pg("read", "SELECT 1", timeout_s=h),
        "redis": lambda: cache(lambda r: r.ping(), timeout_s=h),
    }
    # In parallel, so /health takes one health timeout at most, not one per dependency.
    results = {}

    def check(name, probe):
        try:
            probe()
            results[name] = {"state": "up"}
        except DependencyError as e:
            results[name] = {"state": "down", "error": str(e)}

    threads = [threading.Thread(target=check, args=item, daemon=True) for item in probes.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deps = {name: results[name] for name in probes}
    databases = [deps["postgres-write"]["state"], deps["postgres-read"]["state"]]
    ok = all(d["state"] == "up" for d in deps.values()) if "health-requires-all-deps" in BUGS else "up" in databases
    return (200 if ok else 503), {"status": "ok" if ok else "unavailable", "site": SITE, "dependencies": deps}


PRODUCT = re.compile(r"^/products/([A-Za-z0-9_.-]+)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # one line per error only: the probes make many requests
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        if self.path == "/health":
            return self.reply(*health())
        m = PRODUCT.match(self.path)
        if m:
            return self.reply(*read_product(m.group(1)))
        self.reply(404, {"error": "no such route"})

    def do_PUT(self):
        m = PRODUCT.match(self.path)
        if m:
            return self.reply(*write_product(m.group(1), self.body().get("name", "")))
        self.reply(404, {"error": "no such route"})

    def do_POST(self):
        if self.path == "/products":
            return self.reply(*insert_product(self.body()))
        self.reply(404, {"error": "no such route"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


if __name__ == "__main__":
    socketserver.TCPServer.allow_reuse_address = True
    print(f"products-api on :{PORT}, site {SITE}, read policy {READ_POLICY}, cache TTL {CACHE_TTL_S} s, bugs {sorted(BUGS) or 'none'}", flush=True)
    Server(("0.0.0.0", PORT), Handler).serve_forever()
