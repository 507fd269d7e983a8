import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { mergeSpecOptions, resolveSpec } from "../cluster/topology.js";
import { kindOnGeneric } from "./on-generic.js";

const context = fileURLToPath(new URL("../../test/fixtures/echo-node", import.meta.url));

const echo = kindOnGeneric<{ readonly slow: boolean }>({
  name: "echo",
  summary: "an echo server",
  ownKeys: ["slow"],
  own: (raw) => ({ slow: raw.slow === true }),
  generic: (raw, own) => ({ ...raw, environment: { ...(raw.environment as Record<string, string> | undefined), SLOW: own.slow ? "1" : "0" } }),
});

describe("a kind built on the generic node", () => {
  it("splits its own settings off; the rest are the generic node's, as a compose service says them", () => {
    const s = echo.settings({ name: "e", kind: "echo", settings: { build: { context }, ports: [7000], environment: { A: "1" }, slow: true } });
    expect(s.own).toEqual({ slow: true });
    expect(s.generic.environment).toEqual({ A: "1", SLOW: "1" });
    expect(echo.ports(s)).toEqual([7000]);
  });

  it("names its own settings and the generic node's on an unknown one", () => {
    expect(() => echo.settings({ name: "e", kind: "echo", settings: { image: "x", slo: true } })).toThrow(/node 'e' \(echo\): unknown setting 'slo'; its own settings are: slow; a generic node's: image, build/);
  });
});

describe("a node declared again (a mutant's deployment)", () => {
  const base = { nodes: [{ name: "web1", kind: "generic", settings: { image: "x", ports: [80], environment: { MODE: "db", DEBUG: "0" } } }] };

  it("of the same kind: its settings laid over, an environment merged key by key", () => {
    const spec = resolveSpec(mergeSpecOptions(base, { nodes: [{ name: "web1", kind: "generic", settings: { environment: { MODE: "files" } } }] }));
    expect(spec.nodes[0]?.settings).toEqual({ image: "x", ports: [80], environment: { MODE: "files", DEBUG: "0" } });
  });

  it("of another kind: replaces it", () => {
    const spec = resolveSpec(mergeSpecOptions(base, { nodes: [{ name: "web1", kind: "echo", settings: { slow: true } }] }));
    expect(spec.nodes[0]).toEqual({ name: "web1", kind: "echo", settings: { slow: true } });
  });
});
