import type { CheckResult, Validity } from "../assertions/check.js";

export type ScenarioStatus = "passed" | "failed" | "broken";

/** One scenario run, as summary.json carries it (DESIGN.md). */
export interface ScenarioResult {
  readonly name: string;
  /** 0 for the first run; >0 under --repeat. */
  readonly repeat: number;
  /** The timing profile it ran with (fast, production, ...). */
  readonly profile?: string;
  readonly status: ScenarioStatus;
  readonly valid: Validity;
  readonly durationMs: number;
  /** How long the run waited for its topology: less than a whole start when it began while the run before ended. */
  readonly topologyStartMs: number | null;
  readonly failoverMs?: number | null;
  /** The bound the failover was held to (the failover check's own, derived from the configured timings). */
  readonly boundMs?: number;
  readonly resolutionMs?: number;
  readonly recoveryMs?: number | null;
  readonly staleReads?: { readonly count: number; readonly maxStalenessMs: number };
  readonly sessions?: { readonly kept: number; readonly lost: number };
  /** Acknowledged writes and those lost, of the op kinds the lost-write checks judged (named: one column, one meaning). */
  readonly writes?: { readonly acknowledged: number; readonly lost: number; readonly kinds?: readonly string[] };
  /**
   * What a scenario that documents a weakness measured (FINDING_FIGURES, from any check's figures): writes lost
   * by design and when, divergent rows, false failovers, error rate, tail latency, TILT's delay.
   */
  readonly findings?: Readonly<Record<string, number>>;
  /** The harness's own CPU time during the run (user + system), ms. */
  readonly harnessCpuMs: number;
  /** How late the probe scheduler fired (p99, ms): the timing error of every figure. */
  readonly probeLatenessP99Ms: number | null;
  readonly checks: readonly CheckResult[];
  /**
   * Why it broke (the topology did not start, a step threw, a heal failed), or why the gate failed it before any
   * fault (not steady before the fault).
   */
  readonly error?: string;
  /** Failed by the hypothesis gate: the stack was not steady (or a mechanism not in force) before the fault. */
  readonly notSteady?: boolean;
  /**
   * Under a mutant: which regression ran, and whether the scenario went red for it (failed, the gate's verdict
   * before the fault included), with the checks that were red. A broken run kills nothing.
   */
  readonly mutant?: {
    readonly name: string;
    readonly regression: string;
    readonly killed: boolean;
    readonly by: readonly string[];
    /** Killed by a behavioural check (not only by a control that read the changed setting back), and by which. */
    readonly killedByBehaviour: boolean;
    readonly byBehaviour: readonly string[];
  };
  /** Where its history, timeline and logs were written. */
  readonly artefacts: string;
  /** Logs of the containers the fault touched, for the report. */
  readonly faultedLogs?: readonly { readonly role: string; readonly path: string }[];
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/**
 * A mutant's row: red for its sake is a failed verdict (the gate's "not steady before the fault" included); a run
 * that broke (the engine, a step that threw, a failed heal) says nothing about the mutant. Apart, what the
 * scenario's behaviour saw: the red checks that are not controls reading the changed setting back.
 */
export function mutantOutcome(mutant: { readonly name: string; readonly regression: string }, status: ScenarioStatus, checks: readonly CheckResult[]): NonNullable<ScenarioResult["mutant"]> {
  const killed = status === "failed";
  const red = checks.filter((c) => c.valid === false);
  const byBehaviour = red.filter((c) => c.readsBack !== true).map((c) => c.name);
  return { name: mutant.name, regression: mutant.regression, killed, by: red.map((c) => c.name), killedByBehaviour: killed && byBehaviour.length > 0, byBehaviour };
}

/** The figures of a documented weakness, by the names checks give them; the first check that has one wins. */
export const FINDING_FIGURES = ["lostWrites", "lostFromMs", "lostToMs", "divergentRows", "replicationBroken", "falseFailovers", "siteFlaps", "errorRatePct", "p99LatencyMs", "tiltDelayMs", "noFailoverForMs", "tiltReentries", "oneCopyWrites", "idDrift"] as const;

function findings(checks: readonly CheckResult[]): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const name of FINDING_FIGURES) {
    const v = checks.map((c) => num(c.figures?.[name])).find((x) => x !== null);
    if (v !== undefined && v !== null) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The headline figures of a run, taken from its checks' figures. */
export function headline(checks: readonly CheckResult[]): Pick<ScenarioResult, "failoverMs" | "boundMs" | "resolutionMs" | "recoveryMs" | "staleReads" | "sessions" | "writes" | "findings"> {
  const out: { -readonly [K in keyof ReturnType<typeof headline>]: ReturnType<typeof headline>[K] } = {};
  const failovers = checks.filter((c) => c.name.startsWith("failover")).map((c) => c.figures ?? {});
  const measured = failovers.map((f) => num(f.failoverMs));
  if (failovers.length > 0) {
    out.failoverMs = measured.some((m) => m === null) ? null : Math.max(...(measured as number[]));
    // The bound of the slowest failover (or of the first, when one never recovered): the pair a reader compares.
    const slowest = failovers.reduce((a, b) => ((num(b.failoverMs) ?? Infinity) > (num(a.failoverMs) ?? Infinity) ? b : a));
    const b = num(slowest.boundMs);
    if (b !== null) out.boundMs = b;
    out.resolutionMs = num(failovers[0]?.resolutionMs) ?? 0;
  }
  const rec = checks.find((c) => c.name === "recovery");
  if (rec) out.recoveryMs = num(rec.figures?.recoveryMs);
  const stale = checks.find((c) => c.name === "stale reads");
  if (stale) out.staleReads = { count: num(stale.figures?.count) ?? 0, maxStalenessMs: num(stale.figures?.maxStalenessMs) ?? 0 };
  const sess = checks.find((c) => c.name === "sessions");
  if (sess) out.sessions = { kept: num(sess.figures?.kept) ?? 0, lost: num(sess.figures?.lost) ?? 0 };
  const lost = checks.filter((c) => c.name.startsWith("no lost"));
  if (lost.length > 0) {
    out.writes = {
      acknowledged: lost.reduce((n, c) => n + (num(c.figures?.acknowledged) ?? 0), 0),
      lost: lost.reduce((n, c) => n + (num(c.figures?.lost) ?? 0), 0),
      kinds: [...new Set(lost.map((c) => c.figures?.writes).filter((k): k is string => typeof k === "string"))],
    };
  }
  const f = findings(checks);
  if (f) out.findings = f;
  return out;
}
