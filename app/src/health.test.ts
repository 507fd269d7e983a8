import { describe, expect, it } from "vitest";
import { checkHealth } from "./health.js";

const up = () => Promise.resolve();
const down = () => Promise.reject(new Error("connection refused"));

describe("checkHealth", () => {
  it("is ok with every dependency up, degraded with some down, down with all down or draining", async () => {
    expect((await checkHealth({ redis: up, mysql: up }, false)).status).toBe("ok");
    const degraded = await checkHealth({ redis: down, mysql: up }, false);
    expect(degraded.status).toBe("degraded");
    expect(degraded.dependencies.redis).toMatchObject({ state: "down", error: "connection refused" });
    expect((await checkHealth({ redis: down, mysql: down }, false)).status).toBe("down");
    expect((await checkHealth({ redis: up }, true)).status).toBe("down");
    expect((await checkHealth({}, false)).status).toBe("ok");
  });

  it("under the test-only health-requires-all-deps regression, one optional dependency down takes the site out", async () => {
    expect((await checkHealth({ redis: down, mysql: up }, false, true)).status).toBe("down");
    expect((await checkHealth({ redis: up, mysql: up }, false, true)).status).toBe("ok");
  });
});
