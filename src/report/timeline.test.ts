import { describe, expect, it } from "vitest";
import { op } from "../assertions/testing.js";
import { timelineSvg } from "./timeline.js";

describe("timelineSvg", () => {
  it("draws one row per process, each op coloured by outcome, the fault window shaded", () => {
    const ops = [op("product-read", "ok", 0, undefined, "reads"), op("product-read", "fail", 1000, undefined, "reads"), op("session-read", "info", 1500, undefined, "sessions <x>")];
    const svg = timelineSvg(ops, [{ name: "fault", t: 900 }], { from: 900, to: 1800 }, "demo & test");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("demo &amp; test");
    expect(svg).toContain("sessions &lt;x&gt;");
    expect(svg.match(/fill="#2e7d32"\/>/g)).toHaveLength(1);
    expect(svg.match(/fill="#c62828"\/>/g)).toHaveLength(1);
    expect(svg.match(/fill="#ef6c00"\/>/g)).toHaveLength(1);
    expect(svg).toMatch(/<rect [^>]*fill="#ffcdd2"[^>]*><title>fault 900–1800 ms<\/title>/);
  });

  it("labels the nemesis's steps with what they did and to what", () => {
    const kill = op("kill", "ok", 900, { target: "redis-1", note: "kill redis-1 (SIGKILL)" }, "nemesis", 930);
    const svg = timelineSvg([op("product-read", "ok", 0, undefined, "reads"), kill], [], null, "t");
    expect(svg).toContain("<title>kill redis-1: kill redis-1 (SIGKILL) (30 ms, ok)</title>");
    expect(svg).toMatch(/<text [^>]*>kill redis-1<\/text>/);
  });
});

describe("timelineSvg: what the checkers convicted", () => {
  it("outlines a convicted op in its class's colour, and puts each legend swatch before its word", () => {
    const lost = op("item-write", "ok", 100, { key: "k1" }, "writer");
    const svg = timelineSvg([op("item-write", "ok", 0, { key: "k0" }, "writer"), lost], [], null, "t", [], new Map([[lost.id, "lost" as const]]));
    expect(svg).toMatch(/fill="#2e7d32" stroke="#000000" stroke-width="2"><title>lost: item-write k1 \(ok\)<\/title>/);
    expect(svg).toContain('<tspan fill="#2e7d32">■</tspan> ok');
    expect(svg).toContain('<tspan fill="#000000">■</tspan> convicted: lost');
    expect(svg).not.toMatch(/ok <tspan/);
  });
});
