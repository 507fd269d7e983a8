import { UserError } from "../errors.js";
import type { Scenario } from "./define.js";

/**
 * Every scenario of a config by name, in the order a full run takes them: the one registry (never a file glob
 * alone). Built from the config the CLI loaded; the library knows no scenario of its own.
 */
export class ScenarioRegistry {
  readonly scenarios: readonly Scenario[];
  readonly names: readonly string[];

  constructor(scenarios: readonly Scenario[]) {
    const seen = new Set<string>();
    for (const s of scenarios) {
      if (seen.has(s.name)) throw new UserError(`two scenarios are named '${s.name}': names must be unique`);
      seen.add(s.name);
    }
    this.scenarios = scenarios;
    this.names = scenarios.map((s) => s.name);
  }

  byName(name: string): Scenario | undefined {
    return this.scenarios.find((s) => s.name === name);
  }
}
