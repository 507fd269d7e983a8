import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_REDIS_RETRY_MS } from "./sites.js";

describe("the built-in app's timings the bounds count", () => {
  it("reconnects to Redis after the delay the harness derives its recovery bounds from", () => {
    const source = readFileSync(new URL("../../../app/src/deps/redis.ts", import.meta.url), "utf8");
    expect(source).toContain(`retryStrategy: () => ${String(APP_REDIS_RETRY_MS)},`);
  });
});
