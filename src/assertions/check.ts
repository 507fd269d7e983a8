/** Jepsen's three answers: true, false, or unknown (not enough seen to say). */
export type Validity = true | false | "unknown";

export type Figure = number | string | boolean | null;

/**
 * `control`: a positive control (the fault was felt, the mechanism under test was in force); `check`: a claim
 * about the stack. Both count toward the verdict; reports show them apart, because a green check beside a red
 * control means the scenario proved nothing.
 */
export type CheckKind = "check" | "control";

export interface CheckResult {
  readonly name: string;
  /** Absent means `check`. */
  readonly kind?: CheckKind;
  readonly valid: Validity;
  /** Why, in words: what was seen against what was expected. */
  readonly detail: string;
  /** Numbers worth reporting (with units in their names: failoverMs, resolutionMs). */
  readonly figures?: Readonly<Record<string, Figure>>;
  /**
   * A control that reads a setting back from a server: it proves the config, not that its effect is there. A
   * mutant red only by such controls was not seen by the scenario's behaviour (reported apart).
   */
  readonly readsBack?: true;
  /** The ops the check convicted, by what it found them to be (ids in the history): marked on the timeline. */
  readonly convicted?: Readonly<Partial<Record<Conviction, readonly number[]>>>;
}

/** What a checker may find an op to be: an acknowledged write lost, a stale read, a divergent write, a doubt. */
export type Conviction = "lost" | "stale" | "divergent" | "unknown";

/** The convictions of all checks, by op id (a later check's word does not replace an earlier one's). */
export function convictions(checks: readonly CheckResult[]): Map<number, Conviction> {
  const out = new Map<number, Conviction>();
  for (const c of checks) for (const [as, ids] of Object.entries(c.convicted ?? {}) as [Conviction, readonly number[]][]) for (const id of ids) if (!out.has(id)) out.set(id, as);
  return out;
}

export function result(name: string, valid: Validity, detail: string, figures?: Record<string, Figure>): CheckResult {
  return { name, valid, detail, ...(figures ? { figures } : {}) };
}

/** A positive control: the fault was felt, or the mechanism the scenario is about was in force. */
export function control(name: string, valid: Validity, detail: string, figures?: Record<string, Figure>): CheckResult {
  return { name, kind: "control", valid, detail, ...(figures ? { figures } : {}) };
}

/** A positive control that reads a setting back from a server (the config, not its effect). */
export function readback(name: string, valid: Validity, detail: string, figures?: Record<string, Figure>): CheckResult {
  return { ...control(name, valid, detail, figures), readsBack: true };
}

/** The same result, marked as a positive control. */
export const asControl = (r: CheckResult): CheckResult => ({ ...r, kind: "control" });

/** A window of the history, in ms since its start: from `from` (inclusive) to `to` (exclusive). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

export const within = (t: number, span: Span | undefined): boolean => !span || (t >= span.from && t < span.to);

export const round = (ms: number): number => Math.round(ms);
