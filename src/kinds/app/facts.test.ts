import { describe, expect, it } from "vitest";
import { type WebFacts, webProblems } from "./facts.js";

const healthy = { status: 200, body: { status: "ok", dependencies: { redis: { state: "up" } } } };
const steady: WebFacts = { apps: { gra: healthy, sbg: healthy }, caddy: { status: 200, site: "gra" }, caddyMetric: {} };

describe("webProblems", () => {
  it("is empty in steady state", () => {
    expect(webProblems(steady)).toEqual([]);
  });

  it("names a site that is down or degraded, and Caddy routing away from gra", () => {
    const problems = webProblems({
      apps: { gra: { unreachable: "ECONNREFUSED" }, sbg: { status: 200, body: { status: "degraded", dependencies: { mysql: { state: "down", error: "mysql: timeout" } } } } },
      caddy: { status: 200, site: "sbg" },
      caddyMetric: {},
    });
    expect(problems).toEqual([
      "app-gra /health did not answer: ECONNREFUSED",
      "app-sbg cannot reach mysql: mysql: timeout",
      "Caddy answers /health with 200 from sbg, expected 200 from gra",
    ]);
    expect(webProblems({ ...steady, caddy: { unreachable: "timeout" } })).toEqual(["Caddy did not answer: timeout"]);
  });
});
