import { probeEngine } from "../images/engine.js";
import { publish } from "../report/publish.js";
import { runCli } from "./errors.js";

// `npm run report -- [<shard dir>...]`: merges shards' results into one summary.json and one Allure report. Each
// shard dir holds what one `npm run chaos -- --shard i/n` left in reports/ (scenarios/ and allure-results/).
await runCli(async () => {
  const dirs = process.argv.slice(2);
  const roots = dirs.length > 0 ? dirs : ["reports"];
  // Merging needs no engine: name it if one answers, never start one.
  const status = await probeEngine();
  const engine = status.kind === "up" ? `Docker ${status.serverVersion} (API ${status.apiVersion})` : "none answering (merged offline)";
  const results = await publish({
    scenarioDirs: roots.map((r) => `${r}/scenarios`),
    allureDirs: roots.map((r) => `${r}/allure-results`),
    engine,
    startedAt: new Date(),
  });
  // A scenario row must pass; a mutant row must have been killed (its scenario went red under the regression).
  return results.some((r) => (r.mutant ? !r.mutant.killed : r.status !== "passed")) ? 1 : 0;
});
