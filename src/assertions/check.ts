/** Jepsen's three answers: true, false, or unknown (not enough seen to say). */
export type Validity = true | false | "unknown";

export type Figure = number | string | boolean | null;

export interface CheckResult {
  readonly name: string;
  readonly valid: Validity;
  /** Why, in words: what was seen against what was expected. */
  readonly detail: string;
  /** Numbers worth reporting (with units in their names: failoverMs, resolutionMs). */
  readonly figures?: Readonly<Record<string, Figure>>;
}

export function result(name: string, valid: Validity, detail: string, figures?: Record<string, Figure>): CheckResult {
  return { name, valid, detail, ...(figures ? { figures } : {}) };
}

/** A window of the history, in ms since its start: from `from` (inclusive) to `to` (exclusive). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

export const within = (t: number, span: Span | undefined): boolean => !span || (t >= span.from && t < span.to);

export const round = (ms: number): number => Math.round(ms);
