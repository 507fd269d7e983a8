/**
 * An error the user can act on. CLIs print its message and hint and exit with its code, never a stack trace:
 * a stack trace is for our bugs, not for a missing engine or a typo in a scenario name.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** Extra lines shown under the message (a build log's tail, say). */
  readonly details: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: number; details?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details;
  }
}

/** Exit code for bad command-line input (unknown names, bad flags), as CLIs conventionally use. */
export const EXIT_USAGE = 2;

