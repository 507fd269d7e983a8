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

export function formatError(error: unknown): string {
  if (error instanceof UserError) {
    const lines = [`brownout: ${error.message}`];
    if (error.details) lines.push(error.details.replace(/\n$/, ""));
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return lines.join("\n");
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.BROWNOUT_DEBUG && error instanceof Error ? `\n${error.stack ?? ""}` : "";
  return `brownout: unexpected error: ${message}${stack}\nhint: set BROWNOUT_DEBUG=1 for the stack trace, and report it`;
}

/** Runs a CLI's main function: its resolved number is the exit code; errors print cleanly. */
export async function runCli(main: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    process.stderr.write(`${formatError(error)}\n`);
    code = error instanceof UserError ? error.exitCode : 1;
  }
  process.exitCode = code;
}
