import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScenarioResult } from "../scenario/result.js";
import { runLabel } from "../scenario/run-label.js";

export const scenarioTestName = (name: string, repeat: number): string => (repeat === 0 ? name : `${name} #${String(repeat + 1)}`);

const fileOf = (r: Pick<ScenarioResult, "name" | "repeat" | "mutant">) => `${runLabel(r.name, r.repeat, r.mutant?.name)}.json`;

/** One file per scenario run under reports/scenarios/results: shards write theirs, `npm run report` merges. */
export async function writeScenarioResult(outDir: string, result: ScenarioResult): Promise<void> {
  const dir = join(outDir, "results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, fileOf(result)), JSON.stringify(result, null, 2));
}

export async function readScenarioResults(dirs: readonly string[]): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const dir of dirs) {
    const files = await readdir(join(dir, "results")).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith(".json")).sort()) out.push(JSON.parse(await readFile(join(dir, "results", f), "utf8")) as ScenarioResult);
  }
  return out;
}
