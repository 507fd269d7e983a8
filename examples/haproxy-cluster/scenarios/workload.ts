import { CookieJar, httpLogin, httpProbe, type HttpResult, type Probe, type RunContext, sqlProbe, sqlTarget } from "brownout";
import { serverStatuses } from "../kinds/haproxy/index.js";

/** The op kinds of this example's probes. */
export const F = { sticky: "sticky-read", db: "session-read", item: "item-write", states: "server-states" } as const;

/** An HTTP node's URL from the host (its port published on loopback). */
export function urlOf(ctx: RunContext, node: string, port: number): string {
  const c = ctx.topology.node(node);
  return `http://${c.getHost()}:${String(c.getMappedPort(port))}`;
}

/** A user logged in through haproxy-web: the page it uses, its cookies (SRV among them), the server it landed on. */
export interface User {
  readonly name: string;
  readonly page: "index.php" | "index-db.php";
  readonly jar: CookieJar;
  readonly server: string;
}

const serverOf = (a: HttpResult) => (typeof a.body.server === "string" ? a.body.server : undefined);

export async function logIn(ctx: RunContext, name: string, page: User["page"]): Promise<User> {
  const { jar, answer } = await httpLogin(ctx.http, { url: `${urlOf(ctx, "haproxy-web", 8080)}/${page}?user=${name}&color=blue` });
  return { name, page, jar, server: serverOf(answer) ?? "?" };
}

/** Users logged in one after another: round robin spreads them over the web servers. */
export async function logInMany(ctx: RunContext, prefix: string, n: number, page: User["page"]): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < n; i++) users.push(await logIn(ctx, `${ctx.tag}-${prefix}${String(i)}`, page));
  return users;
}

/**
 * A user reading its page: a read is lost when the page no longer knows the user (PHP made a new session), and
 * each op says which server answered.
 */
export function userReads(ctx: RunContext, u: User, f: string): Probe {
  return httpProbe(ctx.http, {
    f,
    name: `${f}-${u.name}@haproxy-web`,
    // Read at each op: a restarted haproxy-web is published on a new host port.
    url: () => `${urlOf(ctx, "haproxy-web", 8080)}/${u.page}`,
    jar: u.jar,
    tags: { store: u.page === "index-db.php" ? "db" : "sticky", node: serverOf },
    sessionLost: (a) => a.status === 200 && a.body.user !== u.name,
  });
}

/** The team's own writes, through haproxy-db with its own user and database: one new item per op. */
export function itemWrites(ctx: RunContext, prefix: string): Probe {
  return sqlProbe({
    f: F.item,
    name: `${F.item}@haproxy-db`,
    target: sqlTarget(ctx.topology, "haproxy-db", { engine: "mysql", port: 3307, user: "app", password: "app", database: "clustering" }),
    statement: (seq) => ({ sql: "INSERT INTO items (k) VALUES (?)", params: [`${prefix}${String(seq)}`], key: `${prefix}${String(seq)}` }),
    classify: "write",
  });
}

/**
 * What an HAProxy's stats page says of its servers, as ops of the history ("web/web1=UP,..."), so the checks
 * (and an outside checker) read the mechanism from the evidence.
 */
export function serverStates(ctx: RunContext, node: string, statsPort: number): Probe {
  return {
    name: `${F.states}@${node}`,
    f: F.states,
    run: async (_seq, signal) => {
      try {
        const c = ctx.topology.node(node);
        const s = await serverStatuses(c.getHost(), c.getMappedPort(statsPort), signal);
        return { type: "ok", value: { node, note: [...s].map(([k, v]) => `${k}=${v}`).join(",") } };
      } catch (e) {
        return { type: "fail", value: { node }, error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** A server's status in a server-states op, or undefined. */
export function statusIn(note: string | undefined, server: string): string | undefined {
  return note
    ?.split(",")
    .find((kv) => kv.startsWith(`${server}=`))
    ?.slice(server.length + 1);
}
