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
