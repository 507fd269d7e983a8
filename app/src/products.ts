import type { ReadPolicy, Site } from "./config.js";
import { DependencyError } from "./deps/dependency.js";
import type { PostgresDep } from "./deps/postgres.js";
import type { RedisDep } from "./deps/redis.js";
import { HttpError, notFound } from "./http.js";
import type { TestBugs } from "./test-bugs.js";

export type ReadSource = "cache" | "replica" | "primary";

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly version: number;
  readonly updatedAt: string;
}

interface ProductRow {
  id: string;
  name: string;
  price_cents: number;
  version: number;
  updated_at: Date;
}

const COLUMNS = "id, name, price_cents, version, updated_at";

function fromRow(row: ProductRow): Product {
  return { id: row.id, name: row.name, priceCents: row.price_cents, version: row.version, updatedAt: row.updated_at.toISOString() };
}

export const cacheKey = (id: string): string => `product:${id}`;

export interface ProductDeps {
  readonly write: PostgresDep;
  readonly read: PostgresDep;
  /** Null when the site runs without Redis: every read is then a miss. */
  readonly redis: RedisDep | null;
}

/** What a write did to the cache: `invalidated`, or `stale` when Redis could not be told (the entry lives out its TTL). */
export type CacheEffect = "invalidated" | "stale" | "none";

/**
 * Cache-aside over the Postgres pair: reads try Redis, then the replica (strict) or the replica then the primary
 * (fallback), and fill the cache; writes go to the primary and delete the cached entry.
 */
export class ProductService {
  readonly #deps: ProductDeps;
  readonly #policy: ReadPolicy;
  readonly #ttlS: number;
  readonly site: Site;

  readonly #bugs: TestBugs;

  constructor(deps: ProductDeps, policy: ReadPolicy, ttlS: number, site: Site, bugs: TestBugs = new Set()) {
    this.#bugs = bugs;
    this.#deps = deps;
    this.#policy = policy;
    this.#ttlS = ttlS;
    this.site = site;
  }

  async create(id: string, name: string, priceCents: number): Promise<Product> {
    const rows = await this.#deps.write.query<ProductRow>(
      `INSERT INTO products (id, name, price_cents) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [id, name, priceCents],
    );
    const row = rows[0];
    if (!row) throw new HttpError(409, "conflict", `product '${id}' already exists`);
    return fromRow(row);
  }

  async update(id: string, patch: { name?: string | undefined; priceCents?: number | undefined }): Promise<{ product: Product; cache: CacheEffect }> {
    const rows = await this.#deps.write.query<ProductRow>(
      `UPDATE products SET name = COALESCE($2, name), price_cents = COALESCE($3, price_cents), version = version + 1, updated_at = clock_timestamp()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, patch.name ?? null, patch.priceCents ?? null],
    );
    const row = rows[0];
    if (!row) throw notFound(`no product '${id}'`);
    return { product: fromRow(row), cache: await this.#invalidate(id) };
  }

  async #invalidate(id: string): Promise<CacheEffect> {
    if (!this.#deps.redis) return "none";
    try {
      await this.#deps.redis.del(this.#bugs.has("cache-invalidation-wrong-key") ? `products:${id}` : cacheKey(id));
      return "invalidated";
    } catch {
      // The row is committed; the old entry is served until its TTL runs out (documented, and checked).
      return "stale";
    }
  }

  async get(id: string): Promise<{ product: Product; source: ReadSource; degraded: boolean }> {
    let degraded = false;
    const redis = this.#deps.redis;
    if (redis) {
      try {
        const cached = await redis.get(cacheKey(id));
        if (cached) return { product: JSON.parse(cached) as Product, source: "cache", degraded };
      } catch (e) {
        if (this.#bugs.has("cache-errors-fail-requests")) throw e;
        degraded = true; // Redis down: serve from the database, slower but correct.
      }
    }
    const { row, source } = await this.#readDatabase(id);
    if (!row) throw notFound(`no product '${id}'`);
    const product = fromRow(row);
    if (redis && !degraded) {
      try {
        await redis.set(cacheKey(id), JSON.stringify(product), this.#ttlS);
      } catch {
        degraded = true;
      }
    }
    return { product, source, degraded };
  }

  async #readDatabase(id: string): Promise<{ row: ProductRow | undefined; source: ReadSource }> {
    const sql = `SELECT ${COLUMNS} FROM products WHERE id = $1`;
    try {
      return { row: (await this.#deps.read.query<ProductRow>(sql, [id]))[0], source: "replica" };
    } catch (e) {
      const strict = this.#policy === "strict" && !this.#bugs.has("strict-reads-fall-back");
      if (strict || !(e instanceof DependencyError)) throw e;
    }
    return { row: (await this.#deps.write.query<ProductRow>(sql, [id]))[0], source: "primary" };
  }
}
