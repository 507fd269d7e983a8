import { type CheckResult, PGBOUNCER_PORT, queryRows, RABBITMQ_PORTS, result, type RunContext, withRedis } from "brownout";
import { channelOpens, QUEUE, rabbitOf } from "./queue.js";
import { MEMBERS, patroniOf } from "./stack.js";

/** A port of haproxy-01 the seed's verification asks, and what it must find there. */
export type VerifiedPort = "5432" | "5433" | "6432" | "6379" | "5672";

/** What the verification must find on each port: the leader, a standby, the Redis master, the queue served. */
export const EXPECTED: Readonly<Record<VerifiedPort, string>> = { "5432": "primary", "5433": "standby", "6432": "primary", "6379": "master", "5672": "queue served" };

const failed = (e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`;

/**
 * Seed 002's verification after the reinstall, each port asked for what it serves rather than whether it
 * connects: PostgreSQL's ports whether they reach a primary or a standby (every connection, one per member), 6379 which role its Redis has, 5672
 * whether a channel opens there and finds the application's queue.
 */
export async function verification(ctx: RunContext, ports: readonly VerifiedPort[]): Promise<Record<string, string>> {
  const h = ctx.topology.node("haproxy-01");
  const app = patroniOf(ctx.topology.spec).app;
  // A new connection per ask, once per member: HAProxy balances connections in turn, so a port that sends any of
  // them to the wrong role is caught whichever it picks first.
  const sql = async (port: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < MEMBERS.length; i++) {
      try {
        const [row] = await queryRows({ engine: "postgres", host: h.getHost(), port: h.getMappedPort(port), ...app }, "SELECT pg_is_in_recovery() AS standby");
        seen.add(row?.standby === true ? "standby" : "primary");
      } catch (e) {
        return failed(e);
      }
    }
    return [...seen].sort().join(" and ");
  };
  const redis = async () => {
    try {
      const role = await withRedis<unknown[]>(h, 6379, (r) => r.role());
      return String(role[0]);
    } catch (e) {
      return failed(e);
    }
  };
  const queue = async () => {
    const admin = rabbitOf(ctx.topology.spec).admin;
    try {
      await channelOpens({ host: h.getHost(), port: h.getMappedPort(RABBITMQ_PORTS.amqp), user: admin.user, password: admin.password }, 2000, QUEUE);
      return EXPECTED["5672"];
    } catch (e) {
      return failed(e);
    }
  };
  const ask: Record<VerifiedPort, () => Promise<string>> = { "5432": () => sql(5432), "5433": () => sql(5433), "6432": () => sql(PGBOUNCER_PORT), "6379": redis, "5672": queue };
  const out: Record<string, string> = {};
  for (const p of ports) out[p] = await ask[p]();
  return out;
}

/** How the check names what each port must reach. */
const WHAT: Readonly<Record<VerifiedPort, string>> = { "5432": "5432 reaches the leader", "5433": "5433 a standby", "6432": "6432 the leader through PgBouncer", "6379": "6379 the Redis master", "5672": "5672 the queue" };

/** The verification as a check: every port asked found what it must (`found` is what `verification` answered, if it ran). */
export function verificationResult(found: unknown, ports: readonly VerifiedPort[]): CheckResult {
  const v = (found ?? {}) as Readonly<Record<string, string>>;
  return result(
    `the verification after the reinstall: ${ports.map((p) => WHAT[p]).join(", ")}`,
    ports.every((p) => v[p] === EXPECTED[p]),
    Object.entries(v).map(([p, s]) => `${p}: ${s}`).join("; ") || "not run",
  );
}
