// Allure 3 configuration for the chaos report (`npm run chaos`, `npm run report`): one self-contained HTML
// file, so the report opens from disk or a CI artifact without a web server.
import { defineConfig } from "allure";

export default defineConfig({
  name: "Brownout chaos suite",
  output: "reports/allure-report",
  plugins: {
    awesome: {
      options: { singleFile: true, reportName: "Brownout chaos suite", reportLanguage: "en" },
    },
  },
});
