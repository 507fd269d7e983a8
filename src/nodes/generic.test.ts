import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resolveSpec } from "../cluster/topology.js";
import { GENERIC } from "./generic.js";
import { nodeKind } from "./registry.js";
import { checkedNodes } from "./start.js";

const context = fileURLToPath(new URL("../../test/fixtures/echo-node", import.meta.url));
const settings = (s: unknown) => GENERIC.settings({ name: "web1", kind: "generic", settings: s });

describe("a generic node's settings", () => {
  it("are checked: an unknown key names the valid ones; a bad value says what is expected", () => {
    expect(() => settings({ image: "x", port: 80 })).toThrow(/node 'web1' \(generic\): unknown setting 'port'; settings are: image, build, ports, environment, command, entrypoint, health, capAdd, tmpfs, volumes/);
    expect(() => settings({ ports: [80] })).toThrow(/give it an image or a build context/);
    expect(() => settings({ image: "x", build: { context } })).toThrow(/one of them/);
    expect(() => settings({ image: "x", ports: [0] })).toThrow(/'ports' must be a list of ports/);
    expect(() => settings({ image: "x", health: { http: { path: "health", port: 80 } } })).toThrow(/'health.http.path' must be a path starting with \//);
    expect(() => settings({ image: "x", health: { tcp: 80, command: "true" } })).toThrow(/health is one of http, tcp, command/);
    expect(() => settings({ build: { context: "relative/dir" } })).toThrow(/must be an absolute folder with a Dockerfile/);
    expect(() => settings({ image: "x", volumes: [{ source: "data", target: "/data" }] })).toThrow(/a volume's source must be absolute/);
  });

  it("publish the health port with the declared ones", () => {
    const s = settings({ build: { context }, ports: [7000], health: { http: { path: "/health.php", port: 80 } }, capAdd: ["NET_ADMIN"], tmpfs: { "/run": "size=8m" } });
    expect(s.ports).toEqual([7000, 80]);
    expect(s.capAdd).toEqual(["NET_ADMIN"]);
    expect(GENERIC.ports(s)).toEqual([7000, 80]);
  });
});

describe("a stack's declared nodes", () => {
  const node = (name: string, after?: string[]) => ({ name, kind: "generic", settings: { image: "x" }, ...(after ? { after } : {}) });

  it("have names of their own, unique, and start after declared nodes only, in no circle", () => {
    expect(resolveSpec({ slices: [], nodes: [node("web1"), node("web2", ["web1"])] }).nodes.map((n) => n.name)).toEqual(["web1", "web2"]);
    expect(() => resolveSpec({ nodes: [node("haproxy")] })).toThrow(/the name is a built-in part's/);
    expect(() => resolveSpec({ nodes: [node("web1"), node("web1")] })).toThrow(/two nodes are named 'web1'/);
    expect(() => resolveSpec({ nodes: [node("Web_1")] })).toThrow(/lowercase letters, digits and '-'/);
    expect(() => resolveSpec({ nodes: [node("web1", ["db"])] })).toThrow(/starts after 'db', not a declared node; nodes are: web1/);
    expect(() => resolveSpec({ nodes: [node("a", ["b"]), node("b", ["a"])] })).toThrow(/start after each other in a circle: a → b → a/);
  });

  it("are run by a kind the registry knows, checked before any engine", () => {
    expect(() => nodeKind("rabbitmq")).toThrow(/unknown node kind 'rabbitmq'; kinds are: generic/);
    expect(() => checkedNodes(resolveSpec({ slices: [], nodes: [{ name: "q", kind: "generic", settings: { ports: [5672] } }] }))).toThrow(/node 'q': give it an image or a build context/);
  });
});
