import { describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import { DEFAULT_TIMINGS, assertRole, resolveSpec, rolesOf } from "./topology.js";
import { assertLink, assertToxic } from "../kinds/toxiproxy/links.js";

describe("topology spec", () => {
  it("is the full topology with fast timings by default", () => {
    const spec = resolveSpec();
    expect(spec.slices).toEqual(["postgres", "redis", "mysql", "web"]);
    expect(spec.timings).toEqual(DEFAULT_TIMINGS);
    expect(rolesOf(spec)).toContain("sentinel-3");
  });

  it("starts only the slices asked for", () => {
    expect(rolesOf(resolveSpec({ slices: ["postgres"] }))).toEqual(["toxiproxy", "pg-primary", "pg-replica", "haproxy"]);
    expect(rolesOf(resolveSpec({ slices: ["redis"] }))).not.toContain("haproxy");
  });

  it("starts a declared node with compose profiles only where one of them is named", () => {
    const nodes = [
      { name: "db", kind: "generic" },
      { name: "redis-01", kind: "redis", profiles: ["redis"] },
      { name: "queue-01", kind: "generic", profiles: ["queue", "all"] },
    ];
    expect(resolveSpec({ slices: [], nodes }).nodes.map((n) => n.name)).toEqual(["db"]);
    expect(resolveSpec({ slices: [], nodes, composeProfiles: ["redis"] }).nodes.map((n) => n.name)).toEqual(["db", "redis-01"]);
    expect(resolveSpec({ slices: [], nodes, composeProfiles: ["all"] }).nodes.map((n) => n.name)).toEqual(["db", "queue-01"]);
    expect(() => resolveSpec({ slices: [], nodes, composeProfiles: ["kafka"] })).toThrow(/unknown compose profile 'kafka'; the stack's profiles are: redis, queue, all/);
    const after = [...nodes, { name: "lb", kind: "generic", after: ["redis-01"] }];
    expect(() => resolveSpec({ slices: [], nodes: after })).toThrow(/node 'lb' starts after 'redis-01' \(profiles redis\), which this run does not start; name one of its profiles in composeProfiles/);
    // compose's required: false: a dependency the run leaves out is not waited for; one it starts still is.
    const optional = [...nodes, { name: "lb", kind: "generic", after: ["db"], afterStarted: ["redis-01"], optionalAfter: ["redis-01"] }];
    expect(resolveSpec({ slices: [], nodes: optional }).nodes.find((n) => n.name === "lb")).toMatchObject({ after: ["db"], afterStarted: [] });
    expect(resolveSpec({ slices: [], nodes: optional, composeProfiles: ["redis"] }).nodes.find((n) => n.name === "lb")).toMatchObject({ after: ["db"], afterStarted: ["redis-01"] });
    expect(() => resolveSpec({ slices: [], nodes: [{ name: "a", kind: "generic", afterStarted: ["b"] }, { name: "b", kind: "generic", after: ["a"] }] })).toThrow(/nodes start after each other in a circle: a → b → a/);
  });

  it("names the valid slices, roles, links and toxics on bad input", () => {
    expect(() => resolveSpec({ slices: ["postgres", "kafka"] })).toThrow(/unknown topology slice 'kafka'; slices are: postgres, redis, mysql, web/);
    const pgOnly = resolveSpec({ slices: ["postgres"] });
    expect(() => assertRole(pgOnly, "redis-1")).toThrow(/role 'redis-1' is not in this topology \(slices: postgres\); its roles are: toxiproxy, pg-primary, pg-replica, haproxy/);
    expect(() => assertRole(pgOnly, "pg-master")).toThrow(/unknown role 'pg-master'; roles are: toxiproxy, pg-primary/);
    expect(() => assertLink("pg-replicaton")).toThrow(/unknown link 'pg-replicaton'; links are: pg-replication, app-gra-redis-1/);
    expect(() => assertToxic({ type: "lag" })).toThrow(/unknown toxic type 'lag'; types are: latency, timeout, reset_peer, bandwidth, slow_close, limit_data, down/);
    expect(() => assertToxic({ type: "lag" })).toThrow(UserError);
  });
});
