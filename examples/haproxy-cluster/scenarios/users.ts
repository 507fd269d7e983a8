import { type Completed, SESSION_LOST } from "brownout";

/** Each user's reads (one process per user), by the user's name. */
export function readsByUser(ops: readonly Completed[], f: string): Map<string, Completed[]> {
  const out = new Map<string, Completed[]>();
  for (const o of ops) {
    if (o.f !== f) continue;
    const list = out.get(o.process);
    if (list) list.push(o);
    else out.set(o.process, [o]);
  }
  return out;
}

/** The users whose session was seen gone from `from` on. */
export function usersLost(ops: readonly Completed[], f: string, from: number): Set<string> {
  const lost = new Set<string>();
  for (const [user, reads] of readsByUser(ops, f)) if (reads.some((o) => o.start >= from && o.value?.note === SESSION_LOST)) lost.add(user);
  return lost;
}

/** Requests that failed (no answer, an error status), a session found gone not counted: the page answered. */
export function failedRequests(ops: readonly Completed[], fs: readonly string[], from: number, to: number): Completed[] {
  return ops.filter((o) => fs.includes(o.f) && o.type !== "ok" && o.value?.note !== SESSION_LOST && o.start >= from && o.start < to);
}

export const same = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
export const names = (s: Iterable<string>): string => [...s].map((p) => p.split("@")[0]).join(", ") || "none";
