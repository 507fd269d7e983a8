import { UserError } from "../errors.js";

export { EXIT_USAGE, UserError } from "../errors.js";

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
