import { join } from "node:path";

/**
 * Where a run writes its reports: `reports/` in the working directory, or BROWNOUT_REPORTS_DIR (a shard's own
 * folder, or a test that runs the CLI beside another run without touching that run's files).
 */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BROWNOUT_REPORTS_DIR ?? "reports";
}

export const reportPaths = (root: string = reportsDir()) => ({
  root,
  scenarios: join(root, "scenarios"),
  allureResults: join(root, "allure-results"),
  allureReport: join(root, "allure-report"),
  summary: join(root, "summary.json"),
  vitestJson: (name: string) => join(root, "vitest", name),
});
