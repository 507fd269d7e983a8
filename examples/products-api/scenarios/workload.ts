import { type HttpClient, httpProbe, type Probe, type RunContext, type Target, until } from "brownout";

/** Seeds products through one site and waits until the replica serves each (streaming replication is async). */
export async function seed(ctx: RunContext, via: Target, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${ctx.tag}-p${String(i)}`);
  for (const id of keys) {
    const r = await ctx.http.call("POST", `${via.url}/products`, { body: { id, name: "seed", priceCents: 100 } });
    if (r.status !== 201) throw new Error(`seeding ${id}: ${String(r.status)} ${JSON.stringify(r.body)}`);
  }
  for (const id of keys) await until(`${id} served`, 5000, async () => ((await ctx.http.call("GET", `${via.url}/products/${id}`)).status === 200 ? true : undefined));
  return keys;
}

const inTurn = (keys: readonly string[]) => (n: number) => keys[n % keys.length] ?? "";

/** GET /products/<id>, keys in turn: each read has a version and a source (cache, replica, primary). */
export const reads = (http: HttpClient, via: Target, keys: readonly string[], f = "product-read"): Probe =>
  httpProbe(http, { f, name: `${f}@${via.via}`, url: (n) => `${via.url}/products/${inTurn(keys)(n)}`, key: inTurn(keys) });

/** PUT /products/<id>, keys in turn: each acknowledged write bumps the row's version and deletes its cache key. */
export const writes = (http: HttpClient, via: Target, keys: readonly string[]): Probe =>
  httpProbe(http, { f: "product-write", name: `product-write@${via.via}`, method: "PUT", url: (n) => `${via.url}/products/${inTurn(keys)(n)}`, key: inTurn(keys), body: (n) => ({ name: `w${String(n)}` }) });

/** POST /products with a fresh id per op: the final read looks for every acknowledged one. */
export const inserts = (http: HttpClient, via: Target, prefix: string): Probe =>
  httpProbe(http, { f: "product-insert", name: `product-insert@${via.via}`, method: "POST", url: `${via.url}/products`, key: (n) => `${prefix}-${String(n)}`, body: (n) => ({ id: `${prefix}-${String(n)}`, name: "insert", priceCents: n }) });
