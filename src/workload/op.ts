/**
 * One operation as data, Jepsen's way: an `invoke` when a client starts it, then `ok`, `fail` (it certainly did not
 * happen) or `info` (unknown: a timeout, a dropped connection: it may or may not have happened, never a loss).
 */
export type OpType = "invoke" | "ok" | "fail" | "info";

/** The op kinds of the built-in meeting stack's probes. */
export type BuiltinOpF =
  | "session-read"
  | "product-write"
  | "product-read"
  | "product-insert"
  | "item-write"
  | "item-read"
  | "pg-role"
  | "ws-ping"
  | "health";

/**
 * What a probe does: the operation kinds checks look for. Open: a team's probes name their own kinds, and the
 * checkers take the kinds they judge as parameters (the built-in names are only their defaults).
 */
export type OpF = BuiltinOpF | (string & {});

/**
 * What the nemesis does: Jepsen's nemesis is a process of the history like any client, so every fault step
 * (inject, operator action, heal) is an op with its own invoke and completion, read by checks and drawn on the
 * timeline beside the probes it hit.
 */
export type NemesisF = "kill" | "stop" | "pause" | "restart" | "partition" | "loss" | "disk-full" | "toxic" | "promote" | "recreate" | "operation" | "heal";

/** The process name of fault steps in a history. */
export const NEMESIS = "nemesis";

/** Any op's kind: a probe's or the nemesis's. */
export type AnyF = OpF | NemesisF;

/** What the value of a completed op may say: the fields checks read (all optional: an op says what it knows). */
export interface OpValue {
  /** The key the op touched (product or item id). */
  readonly key?: string;
  /** The row's version as written or read. */
  readonly version?: number;
  /** Where a read was served from. */
  readonly source?: "cache" | "replica" | "primary";
  /** The site that answered. */
  readonly site?: string;
  /** Session store mode, for session reads. */
  readonly store?: string;
  readonly status?: number;
  /** Anything else worth keeping, for humans reading the history. */
  readonly note?: string;
  /**
   * A PostgreSQL write's WAL insert position (bytes from 0/0) as its statement made it: against where a failover's
   * new timeline began, it tells which acknowledged writes the new primary never had, and how much WAL that was.
   */
  readonly lsn?: number;
  /** A nemesis op's target: a role, a link, a backend/server. */
  readonly target?: string;
  /** The request was sent twice, and why: its reused connection closed before any answer (what browsers retry). */
  readonly retried?: string;
  /** A final read's subject: the op kind whose keys it read, or the table whose rows it read. */
  readonly of?: string;
  /** The node a final read read from (absent: through the stack, as users do). */
  readonly node?: string;
  /** The keys a final read found. */
  readonly keys?: readonly string[];
  /** The rows a final read found, by key (each row as one string). */
  readonly rows?: Readonly<Record<string, string>>;
}

export interface Op {
  /** Pairs an invoke with its completion. */
  readonly id: number;
  /** Which client issued it: one probe's stream of operations. */
  readonly process: string;
  readonly f: AnyF;
  readonly type: OpType;
  /** Milliseconds since the history's start (monotonic clock). */
  readonly t: number;
  readonly value?: OpValue;
  readonly error?: string;
}

/** An op that completed, with its invoke time: what most checks reason about. */
export interface Completed {
  readonly id: number;
  readonly process: string;
  readonly f: AnyF;
  readonly type: Exclude<OpType, "invoke">;
  /** When it was invoked and when it completed, ms since the history's start. */
  readonly start: number;
  readonly end: number;
  readonly value?: OpValue;
  readonly error?: string;
  /** Never completed (still in flight when the history was read): unknown, and not yet a failure of anything. */
  readonly open?: true;
}

/** Invokes joined with their completions, in invoke order; an invoke that never completed counts as `info`. */
export function completions(ops: readonly Op[]): Completed[] {
  const invokes = new Map<number, Op>();
  const done: Completed[] = [];
  for (const op of ops) {
    if (op.type === "invoke") {
      invokes.set(op.id, op);
      continue;
    }
    const inv = invokes.get(op.id);
    if (!inv) continue;
    invokes.delete(op.id);
    done.push({
      id: op.id,
      process: op.process,
      f: op.f,
      type: op.type,
      start: inv.t,
      end: op.t,
      ...(op.value ?? inv.value ? { value: { ...inv.value, ...op.value } } : {}),
      ...(op.error ? { error: op.error } : {}),
    });
  }
  const last = ops.length > 0 ? (ops[ops.length - 1]?.t ?? 0) : 0;
  for (const inv of invokes.values()) {
    done.push({ id: inv.id, process: inv.process, f: inv.f, type: "info", start: inv.t, end: last, ...(inv.value ? { value: inv.value } : {}), error: "never completed", open: true });
  }
  return done.sort((a, b) => a.start - b.start || a.id - b.id);
}
