import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureChromium, renderPage } from "./browser.js";
import type { ScenarioResult } from "../scenario/result.js";
import { writeAllureResult } from "./allure-writer.js";
import { generateAllure } from "./publish.js";
import { tempDir } from "../../test/temp-dir.js";

/** A scenario run's result, as the runner reports one: enough for the report to list it with its figures. */
function scenarioResult(name: string, status: "passed" | "failed", artefacts: string): ScenarioResult {
  const checks = [{ name: "failover session-read", valid: status === "passed" ? (true as const) : (false as const), detail: "1350 ms", figures: { failoverMs: 1350 } }];
  return { name, repeat: 0, status, valid: status === "passed", durationMs: 20_000, topologyStartMs: 3000, harnessCpuMs: 1, probeLatenessP99Ms: 1, checks, artefacts, failoverMs: 1350 };
}

describe("the Allure report, as a user sees it", () => {
  it("renders from a file in Chromium, listing each scenario", { timeout: 180_000 }, async () => {
    const chromium = await ensureChromium();
    const dir = tempDir("report");
    const results = join(dir, "allure-results");
    await mkdir(results);
    // Written by the same writer `brownout chaos` and the vitest suite use.
    for (const [name, status] of [["redis-master-down", "passed"], ["pg-primary-down", "failed"]] as const) {
      writeAllureResult(results, { name, fault: "a fault", expected: "an outcome" }, scenarioResult(name, status, dir), { stack: "meeting stack", profile: "fast", seed: 1 });
    }
    const out = join(dir, "allure-report");
    const generated = generateAllure([results], out);
    expect(generated.ok, generated.log).toBe(true);
    const index = join(out, "index.html");
    // One self-contained file (allurerc.mjs): it must work from disk, where a report that fetches its data cannot.
    expect((await stat(index)).size).toBeGreaterThan(100_000);
    await mkdir("reports/screenshots", { recursive: true });
    const png = "reports/screenshots/allure-report.png";
    const dom = await renderPage(chromium, pathToFileURL(index).href, png, (d) => d.includes(">pg-primary-down<"));
    // Rendered, not just shipped: each scenario is an element's text once the app has read its embedded data.
    expect(dom).toMatch(/>pg-primary-down</);
    expect(dom).toMatch(/>redis-master-down</);
    expect(dom).toContain("Brownout chaos suite");
    const image = await readFile(png);
    expect(image.subarray(1, 4).toString()).toBe("PNG");
    expect(image.length).toBeGreaterThan(10_000);
  });
});
