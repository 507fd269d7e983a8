import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureChromium, renderPage } from "./browser.js";
import { generateAllure } from "./publish.js";

/** An Allure result as allure-vitest writes one: enough for the report to list a scenario with its figures. */
function allureResult(name: string, status: "passed" | "failed", start: number) {
  return {
    uuid: `${name}-uuid`,
    historyId: name,
    name,
    fullName: `scenarios/suite.chaos.test.ts#chaos ${name}`,
    status,
    stage: "finished",
    start,
    stop: start + 20_000,
    labels: [
      { name: "epic", value: "chaos" },
      { name: "feature", value: name },
    ],
    parameters: [{ name: "failoverMs", value: "1350" }],
    steps: [],
    attachments: [],
  };
}

describe("the Allure report, as a user sees it", () => {
  it("renders from a file in Chromium, listing each scenario", { timeout: 180_000 }, async () => {
    const chromium = await ensureChromium();
    const dir = await mkdtemp(join(tmpdir(), "brownout-report-"));
    const results = join(dir, "allure-results");
    await mkdir(results);
    const now = Date.now();
    for (const [name, status] of [["redis-master-down", "passed"], ["pg-primary-down", "failed"]] as const) {
      await writeFile(join(results, `${name}-result.json`), JSON.stringify(allureResult(name, status, now)));
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
