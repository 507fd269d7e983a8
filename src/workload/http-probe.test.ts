import { describe, expect, it } from "vitest";
import { readOutcome, REFUSED, writeOutcome } from "./http-probe.js";

const answer = (status: number, body: Record<string, unknown> = {}) => ({ status, body, text: JSON.stringify(body), setCookie: [] });

describe("how HTTP answers become ops", () => {
  it("judges a write: 2xx ok, 4xx fail, 5xx unknown unless the database refused it", () => {
    expect(writeOutcome(answer(201)).type).toBe("ok");
    expect(writeOutcome(answer(409, { error: "conflict" })).type).toBe("fail");
    expect(writeOutcome(answer(503, { error: "dependency_unavailable" })).type).toBe("info");
    expect(writeOutcome(answer(504, { error: "dependency_timeout" })).type).toBe("info");
    expect(writeOutcome(answer(503, { error: REFUSED, message: "redis: NOREPLICAS" })).type).toBe("fail");
  });

  it("judges a read: anything but 2xx failed", () => {
    expect(readOutcome(answer(200)).type).toBe("ok");
    expect(readOutcome(answer(503)).type).toBe("fail");
  });
});
