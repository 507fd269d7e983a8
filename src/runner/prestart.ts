import type { SpecOptions } from "../cluster/topology.js";
import { startTopology, type StartedTopology } from "../stack/index.js";

/**
 * The next run's topology, started while the current run ends. A run's last steps (final reads, checks,
 * artefacts, its teardown) measure nothing, and the next run's start (containers, servers booting) is measured
 * by nobody: overlapping them takes that time off every run but the first. It begins only once the current run's
 * workload has stopped, so no fault window, recovery or steady state is ever measured beside a topology starting.
 *
 * At most one start is pending. A start no run takes (the next run was skipped, the suite interrupted) is removed
 * by `dispose`.
 */
export class Prestarts {
  #pending: { readonly title: string; readonly topology: Promise<StartedTopology> } | undefined;

  constructor(private readonly startOne: (spec: SpecOptions) => Promise<StartedTopology> = startTopology) {}

  /** Starts the topology of the run named `title`, deployed as `spec` says, unless one is pending already. */
  start(title: string, spec: SpecOptions): void {
    if (this.#pending) return;
    const topology = this.startOne(spec);
    // Awaited by the run that takes it, or by dispose: never an unhandled rejection meanwhile.
    topology.catch(() => undefined);
    this.#pending = { title, topology };
  }

  /**
   * The topology started for the run named `title`, handed over once; undefined when none was started for it (one
   * started for another run, which was skipped, is removed).
   */
  take(title: string): Promise<StartedTopology> | undefined {
    const p = this.#pending;
    if (p?.title === title) {
      this.#pending = undefined;
      return p.topology;
    }
    void this.dispose();
    return undefined;
  }

  /** Removes a topology started for a run that never took it. */
  async dispose(): Promise<void> {
    const p = this.#pending;
    this.#pending = undefined;
    if (!p) return;
    const topology = await p.topology.catch(() => undefined);
    await topology?.[Symbol.asyncDispose]();
  }
}
