import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Profile } from "../cluster/profiles.js";
import { type RenderedConfig, renderConfigs } from "../stack/render-configs.js";
import { type SpecOptions, resolveSpec } from "../cluster/topology.js";
import { type Scenario, deployedOptions, intendedOptions } from "./define.js";
import { runLabel } from "./run-label.js";

/** What the dry run rendered for one scenario: its files, and per mutant the files or why they did not render. */
export interface RenderedScenario {
  readonly scenario: string;
  readonly files: readonly RenderedConfig[];
  readonly mutants: readonly { readonly mutant: string; readonly files?: readonly RenderedConfig[]; readonly error?: string }[];
}

/**
 * Renders every config file a scenario deploys, and each of its mutants' (their patches applied), as a run
 * would; a mutant whose patch does not apply is named with its error, never turned into the plain stack.
 */
export function renderScenarioConfigs(s: Scenario, profile: Profile, stack: SpecOptions = {}): RenderedScenario {
  const wanted = intendedOptions(s, profile, stack);
  const files = renderConfigs(resolveSpec(wanted));
  const mutants = s.mutants.map((m) => {
    try {
      return { mutant: m.name, files: renderConfigs(resolveSpec(deployedOptions(wanted, m))) };
    } catch (e) {
      return { mutant: m.name, error: e instanceof Error ? e.message : String(e) };
    }
  });
  return { scenario: s.name, files, mutants };
}

/** Writes what was rendered under `dir/<run label>/<node>/<file>`, as `reports/scenarios/` names runs. */
export async function writeRenderedConfigs(dir: string, r: RenderedScenario): Promise<void> {
  const write = async (label: string, files: readonly RenderedConfig[]) => {
    for (const f of files) {
      const path = join(dir, label, f.node, f.file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.text);
    }
  };
  await write(runLabel(r.scenario, 0), r.files);
  for (const m of r.mutants) if (m.files) await write(runLabel(r.scenario, 0, m.mutant), m.files);
}

/** The dry run's lines for one scenario's configs. */
export function describeRendered(r: RenderedScenario, dir: string): string[] {
  const names = (files: readonly RenderedConfig[]) => [...new Set(files.map((f) => f.file))].map((n) => `${n}${files.filter((f) => f.file === n).length > 1 ? ` ×${String(files.filter((f) => f.file === n).length)}` : ""}`).join(", ");
  const broken = r.mutants.filter((m) => m.error !== undefined);
  return [
    `  configs:    ${r.files.length > 0 ? `${names(r.files)} → ${join(dir, runLabel(r.scenario, 0))}/` : "none rendered"}`,
    r.mutants.length === 0 ? "  patches:    no mutant" : broken.length === 0 ? `  patches:    every mutant's deployment renders (${String(r.mutants.length)})` : `  patches:    ${String(broken.length)} of ${String(r.mutants.length)} mutants do not render`,
    ...broken.map((m) => `              ✗ ${m.mutant}: ${m.error ?? ""}`),
  ];
}
