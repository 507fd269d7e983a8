import { Redis } from "ioredis";
import type { RedisConfig } from "../config.js";
import { call } from "./dependency.js";

/** Redis master found through Sentinel; commands fail at once while it is unreachable instead of queueing. */
export class RedisDep {
  readonly client: Redis;
  readonly #timeoutMs: number;
  readonly #noTtl: boolean;

  /**
   * `noTtl` and `direct` are test-only regressions: entries written without their TTL, and the master reached at
   * the first address the NAT map names (what an app configured with `host: redis-1` does) instead of through
   * Sentinel.
   */
  constructor(config: RedisConfig, timeoutMs: number, options: { readonly noTtl?: boolean; readonly direct?: boolean } = {}) {
    this.#timeoutMs = timeoutMs;
    this.#noTtl = options.noTtl ?? false;
    const first = Object.values(config.natMap)[0];
    const bounds = timeoutMs > 0 ? { connectTimeout: timeoutMs, commandTimeout: timeoutMs, sentinelCommandTimeout: timeoutMs } : {};
    const where =
      options.direct && first
        ? { host: first.host, port: first.port }
        : { sentinels: config.sentinels.map((s) => ({ host: s.host, port: s.port })), name: config.masterName, natMap: { ...config.natMap } };
    this.client = new Redis({
      ...where,
      ...bounds,
      // Queueing while disconnected would turn an outage into slow answers; fail fast and let callers degrade.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Drop the connection as soon as Sentinel announces a new master, not when the old one times out.
      failoverDetector: true,
      retryStrategy: () => 100,
      sentinelRetryStrategy: () => 100,
      lazyConnect: false,
    });
    // Connection errors are expected during faults; they surface through the calls that fail.
    this.client.on("error", () => undefined);
  }

  get(key: string): Promise<string | null> {
    return call("redis", this.#timeoutMs, () => this.client.get(key));
  }

  async set(key: string, value: string, ttlS?: number): Promise<void> {
    await call("redis", this.#timeoutMs, () => (ttlS && !this.#noTtl ? this.client.set(key, value, "EX", ttlS) : this.client.set(key, value)));
  }

  /** HSET and EXPIRE in one transaction: the field is never left without the hash's TTL. */
  async hsetWithTtl(key: string, field: string, value: string, ttlS: number): Promise<void> {
    await call("redis", this.#timeoutMs, async () => {
      const replies = await this.client.multi().hset(key, field, value).expire(key, ttlS).exec();
      const failed = replies?.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
      if (!replies) throw new Error("transaction aborted");
    });
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return call("redis", this.#timeoutMs, () => this.client.hgetall(key));
  }

  async del(key: string): Promise<void> {
    await call("redis", this.#timeoutMs, () => this.client.del(key));
  }

  /** A health probe, bounded by its own timeout (health must answer before the proxies' checks give up). */
  async ping(timeoutMs: number = this.#timeoutMs): Promise<void> {
    await call("redis", timeoutMs, () => this.client.ping());
  }

  close(): void {
    this.client.disconnect();
  }
}
