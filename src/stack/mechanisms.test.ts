import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_TEST_BUGS, applyPatches, mergeSpecOptions, resolveSpec } from "../cluster/topology.js";
import { caddyView } from "../kinds/caddy/mechanism.js";
import { haproxyServerViews } from "../kinds/haproxy/mechanism.js";
import { durationMs } from "../nodes/read.js";

describe("reading the mechanisms back", () => {
  it("parses Go durations as Caddy writes them, in ns or as text", () => {
    expect(durationMs(500_000_000)).toBe(500);
    expect(durationMs("10s")).toBe(10_000);
    expect(durationMs("1m30s")).toBe(90_000);
    expect(durationMs("300ms")).toBe(300);
    expect(durationMs("soon")).toBeNull();
    expect(durationMs(undefined)).toBeNull();
  });

  it("finds Caddy's failover settings in its JSON config", () => {
    const config = {
      apps: {
        http: {
          servers: {
            srv0: {
              routes: [
                {
                  handle: [
                    {
                      handler: "reverse_proxy",
                      upstreams: [{ dial: "app-gra:8080" }, { dial: "app-sbg:8080" }],
                      load_balancing: { selection_policy: { policy: "first" }, try_duration: 1_000_000_000 },
                      health_checks: { active: { uri: "/health", interval: 500_000_000, timeout: 400_000_000 }, passive: { fail_duration: 2_000_000_000, max_fails: 1 } },
                      transport: { protocol: "http", dial_timeout: 300_000_000 },
                    },
                  ],
                },
              ],
            },
          },
        },
      },
    };
    expect(caddyView(config)).toEqual({
      policy: "first",
      upstreams: ["app-gra:8080", "app-sbg:8080"],
      healthUri: "/health",
      healthIntervalMs: 500,
      healthTimeoutMs: 400,
      failDurationMs: 2000,
      maxFails: 1,
      tryDurationMs: 1000,
      dialTimeoutMs: 300,
    });
    // No reverse proxy at all: every setting unknown, so the control fails rather than passes.
    expect(caddyView({}).policy).toBeNull();
  });

  it("reads each server's rise, fall and check result from HAProxy's show stat", () => {
    const csv = "# pxname,svname,status,check_status,check_rise,check_fall\nmysql,FRONTEND,OPEN,,,\nmysql,mysql-1,UP,L7OK,2,3\nmysql,mysql-2,UP,,,\nmysql,BACKEND,UP,,,\n";
    expect(haproxyServerViews(csv)).toEqual([
      { backend: "mysql", server: "mysql-1", rise: 2, fall: 3, checkStatus: "L7OK" },
      { backend: "mysql", server: "mysql-2", rise: null, fall: null, checkStatus: "" },
    ]);
  });
});

describe("spec for mutants", () => {
  it("merges one timing without losing its group, and adds patches after the base's", () => {
    const spec = resolveSpec(mergeSpecOptions({ timings: { sentinel: { quorum: 2 } } }, { timings: { sentinel: { downAfterMs: 30_000 } }, patches: [{ file: "caddy", find: "a", replace: "b" }] }));
    expect(spec.timings.sentinel).toEqual({ downAfterMs: 30_000, failoverTimeoutMs: 5000, quorum: 2 });
    expect(spec.patches).toHaveLength(1);
  });

  it("a patch whose text is not in the config fails instead of leaving the config unmutated", () => {
    expect(applyPatches("server a check\n", [{ file: "haproxy", find: "server a check", replace: "server a" }], "haproxy")).toBe("server a\n");
    expect(() => applyPatches("server a check\n", [{ file: "haproxy", find: "server b check", replace: "" }], "haproxy")).toThrow(/'server b check' is not in the rendered config/);
    expect(applyPatches("x", [{ file: "caddy", find: "nowhere", replace: "" }], "haproxy")).toBe("x");
  });

  it("names the same test-only regressions as the app", () => {
    const app = readFileSync(new URL("../../app/src/test-bugs.ts", import.meta.url), "utf8");
    const listed = [...app.matchAll(/^ {2}"([a-z0-9-]+)",$/gm)].map((m) => m[1]);
    expect(listed).toEqual([...APP_TEST_BUGS]);
  });
});
