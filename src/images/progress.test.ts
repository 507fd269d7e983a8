import { describe, expect, it } from "vitest";
import { plainProgress, resultTable } from "./progress.js";

describe("image progress", () => {
  it("logs one line per step with the role", () => {
    const lines: string[] = [];
    const onEvent = plainProgress((t) => lines.push(t));
    onEvent({ kind: "start", role: "redis" });
    onEvent({ kind: "step", role: "redis", step: { index: 3, total: 9, text: "RUN apt-get update" } });
    onEvent({ kind: "cached", role: "base", tag: "localhost/brownout-base:abc" });
    expect(lines[0]).toBe("[images] redis: building\n");
    expect(lines[1]).toMatch(/^\[images\] redis: step 3\/9 RUN apt-get update \(\d+\.\d s\)\n$/);
    expect(lines[2]).toBe("[images] base: cached localhost/brownout-base:abc\n");
  });

  it("ends with a table of role, tag, size and build time", () => {
    const table = resultTable([
      { role: "base", tag: "localhost/brownout-base:aaa", status: "cached", ms: 0, sizeBytes: 80e6 },
      { role: "postgres", tag: "localhost/brownout-postgres:bbb", status: "built", ms: 41_234, sizeBytes: 312.4e6 },
    ]).split("\n");
    expect(table[0]).toMatch(/^role\s+tag\s+size\s+build$/);
    expect(table[2]).toMatch(/^base\s+localhost\/brownout-base:aaa\s+80 MB\s+cached$/);
    expect(table[3]).toMatch(/^postgres\s+localhost\/brownout-postgres:bbb\s+312 MB\s+41\.2 s$/);
  });
});
