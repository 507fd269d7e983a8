import { describe, expect, it } from "vitest";
import { BuildFailure, classify } from "./build-errors.js";

const log = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n");

describe("build failures", () => {
  it("names the role and the failing step and shows exactly the last 40 lines", () => {
    const f = new BuildFailure("mysql", "Step 3/12 : RUN make", log, "/tmp/mysql.log", "returned a non-zero code: 2");
    expect(f.message).toBe("building mysql failed at Step 3/12 : RUN make: returned a non-zero code: 2");
    const lines = (f.details ?? "").split("\n");
    expect(lines[0]).toContain("last 40 lines of /tmp/mysql.log");
    expect(lines.slice(1)).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 61}`));
    expect(f.exitCode).toBe(1);
  });

  it("says a full disk in one line", () => {
    const f = new BuildFailure("base", undefined, "write /var/lib/docker/x: no space left on device", "/tmp/b.log", "failed");
    expect(f.kind).toBe("disk-full");
    expect(f.message).toMatch(/^the disk is full/);
    expect(f.details).toBeUndefined();
    expect(f.hint).toContain("npm run clean");
  });

  it("says an unreachable mirror in one line", () => {
    expect(classify("E: Failed to fetch http://mirror/debian/pool/x.deb  Could not connect").cause).toBe("apt-mirror");
    expect(classify("Temporary failure resolving 'mirror'").cause).toBe("apt-mirror");
    expect(classify("E: Unable to locate package postgresql-99").cause).toBe("apt-mirror");
  });

  it("keeps an ordinary failed step as a build-step failure", () => {
    expect(classify("make: *** [all] Error 2").cause).toBe("build-step");
  });
});
