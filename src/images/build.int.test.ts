import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BuildFailure } from "./build-errors.js";
import { buildImage } from "./build.js";
import { dockerClient } from "./engine.js";
import { imageTag } from "./recipe-hash.js";
import { tempDir } from "../../test/temp-dir.js";

describe("image build", () => {
  it("fails with the role, the failing step and the last 40 lines of its log", async () => {
    const dir = tempDir("broken");
    await writeFile(
      join(dir, "Dockerfile"),
      ["ARG BASE_IMAGE", "FROM ${BASE_IMAGE}", "RUN echo fine", 'RUN for i in $(seq 1 60); do echo "noise $i"; done; echo "the real cause" >&2; exit 3'].join("\n"),
    );
    const logPath = join(dir, "build.log");
    const steps: string[] = [];
    const error = await buildImage(
      dockerClient(),
      { name: "broken", contextDir: dir, tag: "localhost/brownout-broken:test", buildargs: { BASE_IMAGE: imageTag("base") }, labels: {} },
      logPath,
      (s) => steps.push(`${s.index}/${s.total}`),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BuildFailure);
    const failure = error as BuildFailure;
    expect(failure.message).toMatch(/^building broken failed at Step 4\/4 : RUN for i in/);
    expect(failure.message).toMatch(/returned a non-zero code: 3/);
    expect(steps).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    const tail = (failure.details ?? "").split("\n").slice(1);
    expect(tail).toHaveLength(40);
    expect(tail.join("\n")).toContain("the real cause");
    expect(tail.join("\n")).not.toContain("noise 10\n");
    expect(await readFile(logPath, "utf8")).toContain("noise 1\n");
  });
});
