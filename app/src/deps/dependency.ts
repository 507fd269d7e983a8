import { HttpError } from "../http.js";

export type DependencyName = "redis" | "pg-write" | "pg-read" | "pg-db2" | "mysql";

/**
 * The server answered that it will not apply the command: it certainly did not (unlike a lost connection, after
 * which a write may have committed). Redis: a replica (READONLY), too few good replicas (NOREPLICAS), a
 * transaction discarded for either (EXECABORT); Postgres: a read-only transaction (SQLSTATE 25006); MariaDB:
 * --read-only (1290).
 */
export function isRefusal(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  const errno = (e as { errno?: unknown }).errno;
  return /^(READONLY|NOREPLICAS|EXECABORT)\b/.test(e.message) || code === "25006" || errno === 1290;
}

/**
 * A dependency call that failed or ran out of time: 503, or 504 for a timeout, naming the dependency; a refusal
 * is 503 `dependency_refused`, so a client knows the write did not happen.
 */
export class DependencyError extends HttpError {
  readonly dependency: DependencyName;
  constructor(dependency: DependencyName, cause: unknown, timedOut: boolean) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(timedOut ? 504 : 503, timedOut ? "dependency_timeout" : isRefusal(cause) ? "dependency_refused" : "dependency_unavailable", `${dependency}: ${why}`);
    this.dependency = dependency;
  }
}

class Timeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Every dependency call goes through here: the drivers have their own timeouts, but some waits (a pool queue,
 * a reconnect) escape them, and the contract is that nothing waits past the bound.
 */
export async function call<T>(dependency: DependencyName, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // 0: unbounded (only the test-only `no-dep-timeout` regression asks for it).
  const deadline =
    timeoutMs > 0
      ? new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Timeout(timeoutMs));
          }, timeoutMs);
        })
      : null;
  try {
    return await (deadline ? Promise.race([fn(), deadline]) : fn());
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new DependencyError(dependency, e, e instanceof Timeout);
  } finally {
    clearTimeout(timer);
  }
}
