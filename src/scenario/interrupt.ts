import { existsSync } from "node:fs";

/** The file whose appearance asks a chaos run to stop (the CLI writes it on Ctrl-C or SIGTERM). */
export const INTERRUPT_FILE_ENV = "BROWNOUT_INTERRUPT_FILE";
/** The CLI's pid: if it dies (SIGKILL), the run stops by itself instead of going on unattended. */
export const PARENT_PID_ENV = "BROWNOUT_PARENT_PID";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * An AbortSignal that fires when the CLI asks the run to stop (its interrupt file appears) or when the CLI is gone.
 * The runner then heals what is in force, removes the topology and reports the run broken ("interrupted"); the
 * scenarios not yet started are skipped. Polled every `everyMs` on an unref'd timer: it never keeps a run alive.
 */
export function interruptSignal(env: NodeJS.ProcessEnv = process.env, everyMs = 200): AbortSignal {
  const controller = new AbortController();
  const file = env[INTERRUPT_FILE_ENV];
  const parent = Number(env[PARENT_PID_ENV]);
  if (!file && !parent) return controller.signal;
  const timer = setInterval(() => {
    const why = file && existsSync(file) ? "interrupted (Ctrl-C or SIGTERM)" : parent && !alive(parent) ? "interrupted (the brownout process is gone)" : null;
    if (why) {
      clearInterval(timer);
      controller.abort(new Error(why));
    }
  }, everyMs);
  timer.unref();
  return controller.signal;
}
