import type { ServerState } from "./runtime.js";

/** HAProxy server states in steady state: the standby fails the /primary check by design. */
export const HAPROXY_STEADY: Readonly<Record<string, string>> = {
  "pg-write/pg-primary": "UP",
  "pg-write/pg-replica": "DOWN",
  "pg-read/pg-replica": "UP",
  "mysql/mysql-1": "UP",
  "mysql/mysql-2": "UP",
  "web/app-gra": "UP",
  "web/app-sbg": "UP",
};

/** The servers whose state is not the steady one (`backend/server` → its status); servers not listed are free. */
export function haproxyProblems(states: readonly ServerState[], steady: Readonly<Record<string, string>> = HAPROXY_STEADY): string[] {
  return states
    .filter((s) => {
      const expected = steady[`${s.backend}/${s.server}`];
      return expected !== undefined && s.status !== expected;
    })
    .map((s) => `HAProxy ${s.backend}/${s.server} is ${s.status}, expected ${steady[`${s.backend}/${s.server}`] ?? "?"}`);
}
