/**
 * Test-only regressions, switched on by APP_TEST_BUGS (a comma list). Each is a mistake a team really makes in an
 * app like this one; Brownout's mutants turn them on to prove that the scenario meant to catch it goes red. They
 * exist only so that a green run can be shown to mean something: never set APP_TEST_BUGS in production.
 */
export const TEST_BUGS = [
  /** A cache error fails the request instead of falling through to the database. */
  "cache-errors-fail-requests",
  /** /health answers 503 as soon as any dependency is down, the optional cache included. */
  "health-requires-all-deps",
  /** /health answers 200 without asking any dependency. */
  "health-ignores-deps",
  /** Cache entries are written without their TTL: a missed invalidation is stale forever. */
  "cache-no-ttl",
  /** Item writes run in a transaction that is never committed (autocommit off in the pool, no COMMIT). */
  "items-no-commit",
  /** The shared session stores (redis, mysql) silently keep sessions in this process instead. */
  "shared-sessions-in-memory",
  /** The strict read policy falls back to the primary like `fallback`. */
  "strict-reads-fall-back",
  /** No bound on dependency calls: the drivers' defaults (a hung server hangs the request). */
  "no-dep-timeout",
  /** Redis reached at the first address given, not through Sentinel: a failover is never followed. */
  "redis-without-sentinel",
  /** A write deletes `products:<id>` (a typo) instead of `product:<id>`, and reports the entry invalidated. */
  "cache-invalidation-wrong-key",
  /** A dependency's failure is answered 500 query_failed (a generic error handler) instead of 503/504 naming it. */
  "dependency-errors-as-500",
] as const;
export type TestBug = (typeof TEST_BUGS)[number];
export type TestBugs = ReadonlySet<TestBug>;
