// Allure 3 configuration for the chaos report (`npm run chaos`, `npm run report`): one self-contained HTML
// file, so the report opens from disk or a CI artifact without a web server. Each report appends to a history
// file, so failover and recovery figures trend from run to run (the nightly workflow carries it forward).
import { join } from "node:path";
import process from "node:process";
import { defineConfig } from "allure";

const reports = process.env.BROWNOUT_REPORTS_DIR ?? "reports";

export default defineConfig({
  name: "Brownout chaos suite",
  output: join(reports, "allure-report"),
  historyPath: join(reports, "allure-history.jsonl"),
  plugins: {
    awesome: {
      // Grouped by stack, then profile, then scenarios or mutants (labels the chaos suite sets), not by test file.
      options: { singleFile: true, reportName: "Brownout chaos suite", reportLanguage: "en", groupBy: ["stack", "profile", "kind"] },
    },
  },
});
