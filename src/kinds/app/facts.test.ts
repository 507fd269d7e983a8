import { describe, expect, it } from "vitest";
import { siteProblems } from "./facts.js";
import { routeProblems } from "../caddy/facts.js";

const healthy = { status: 200, body: { status: "ok", dependencies: { redis: { state: "up" } } } };

describe("a site's and Caddy's problems", () => {
  it("are empty in steady state", () => {
    expect(siteProblems("app-gra", healthy)).toEqual([]);
    expect(routeProblems({ status: 200, site: "gra" }, "gra")).toEqual([]);
  });

  it("name a site that is down or degraded, and Caddy routing away from its first site", () => {
    expect(siteProblems("app-gra", { unreachable: "ECONNREFUSED" })).toEqual(["app-gra /health did not answer: ECONNREFUSED"]);
    expect(siteProblems("app-sbg", { status: 200, body: { status: "degraded", dependencies: { mysql: { state: "down", error: "mysql: timeout" } } } })).toEqual(["app-sbg cannot reach mysql: mysql: timeout"]);
    expect(routeProblems({ status: 200, site: "sbg" }, "gra")).toEqual(["Caddy answers /health with 200 from sbg, expected 200 from gra"]);
    expect(routeProblems({ unreachable: "timeout" }, "gra")).toEqual(["Caddy did not answer: timeout"]);
  });
});
