import { UserError } from "../errors.js";

export { EXIT_USAGE, UserError } from "../errors.js";

const debugging = (): boolean => Boolean(process.env.BROWNOUT_DEBUG) && process.env.BROWNOUT_DEBUG !== "0";

/** The stacks of an error's causes, innermost last, each headed by what it is (BROWNOUT_DEBUG=1). */
function causeStacks(error: Error): string[] {
  const out: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    out.push(`caused by: ${cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : JSON.stringify(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (out.length === 0) out.push(error.stack ?? "");
  return out;
}

export function formatError(error: unknown): string {
  if (error instanceof UserError) {
    const lines = [`brownout: ${error.message}`];
    if (error.details) lines.push(error.details.replace(/\n$/, ""));
    if (error.hint && !(debugging() && error.cause !== undefined)) lines.push(`hint: ${error.hint}`);
    // Debugging: the cause's own stack (a config that does not load, an engine that refuses), not ours.
    if (debugging()) lines.push(...causeStacks(error));
    return lines.join("\n");
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = debugging() && error instanceof Error ? `\n${[error.stack ?? "", ...(error.cause !== undefined ? causeStacks(error) : [])].join("\n")}` : "";
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
