import { describe, expect, it } from "vitest";
import { sessions } from "../assertions/sessions.js";
import { CookieJar, httpLogin } from "./cookie-jar.js";
import type { HttpClient, HttpResult } from "./http-client.js";
import { httpProbe, SESSION_LOST } from "./http-probe.js";
import type { Completed } from "./op.js";

/** A client that answers from a script and remembers the Cookie header of each request. */
function scripted(answers: ((cookie: string | undefined) => Partial<HttpResult>)[]) {
  const sent: (string | undefined)[] = [];
  const client = {
    call: (_m: string, _u: string, o: { cookie?: string } = {}) => {
      sent.push(o.cookie);
      const a = answers[Math.min(sent.length - 1, answers.length - 1)]?.(o.cookie) ?? {};
      return Promise.resolve({ status: 200, body: {}, text: "", setCookie: [], ...a });
    },
  } as unknown as HttpClient;
  return { client, sent };
}
const run = (p: ReturnType<typeof httpProbe>, seq = 0) => p.run(seq, new AbortController().signal);

describe("a user's cookies and what a probe expects of a page", () => {
  it("the jar keeps what answers set, drops what they expire, and sends it all back", () => {
    const jar = new CookieJar().set("SRV", "web1");
    jar.remember(["PHPSESSID=abc; path=/; HttpOnly", "theme=dark"]);
    expect(jar.header()).toBe("SRV=web1; PHPSESSID=abc; theme=dark");
    jar.remember(["theme=; Max-Age=0", "PHPSESSID=def"]);
    expect(jar.header()).toBe("SRV=web1; PHPSESSID=def");
  });

  it("logs a user in, then each read carries the session's cookie; a login refused is a clear error", async () => {
    const { client, sent } = scripted([() => ({ setCookie: ["PHPSESSID=s1; path=/"] }), () => ({ text: "<p>Hello alice</p>" })]);
    const { jar } = await httpLogin(client, { url: "http://h/login.php", body: { user: "alice" } });
    const read = httpProbe(client, { f: "session-read", url: "http://h/profile.php", jar, tags: { store: "db", site: (a) => /served by (\w+)/.exec(a.text)?.[1] ?? "unknown" } });
    const op = await run(read);
    expect(sent).toEqual([undefined, "PHPSESSID=s1"]);
    expect(op).toMatchObject({ type: "ok", value: { store: "db", site: "unknown" } });
    const refused = scripted([() => ({ status: 403, text: "denied" })]);
    await expect(httpLogin(refused.client, { url: "http://h/login.php" })).rejects.toThrow(/login at http:\/\/h\/login.php answered 403: denied/);
  });

  it("a 200 that is not the user's page fails a read, is unknown for a write, and a lost session is counted lost", async () => {
    const { client } = scripted([() => ({ text: "<form>Please log in</form>" })]);
    const expectation = { body: (a: HttpResult) => a.text.includes("Hello") || "not the user's page" };
    expect(await run(httpProbe(client, { f: "page-read", url: "http://h/", expect: expectation }))).toMatchObject({ type: "fail", error: "not the user's page" });
    expect(await run(httpProbe(client, { f: "note-write", method: "POST", url: "http://h/", expect: expectation }))).toMatchObject({ type: "info" });
    expect(await run(httpProbe(client, { f: "page-read", url: "http://h/", expect: { status: [201, 202] } }))).toMatchObject({ type: "fail", error: "status 200, expected 201,202" });
    const lost = await run(httpProbe(client, { f: "session-read", url: "http://h/", tags: { store: "files" }, sessionLost: (a) => a.text.includes("log in") }));
    expect(lost).toMatchObject({ type: "fail", value: { note: SESSION_LOST, store: "files" } });
    const op = (t: number, o: typeof lost): Completed => ({ id: t, process: "alice", f: "session-read", type: o.type, start: t, end: t + 1, value: o.value ?? {} });
    const ok = await run(httpProbe(scripted([() => ({ text: "Hello" })]).client, { f: "session-read", url: "http://h/", tags: { store: "files" } }));
    const r = sessions([op(0, ok), op(10, lost), op(30, ok)], { from: 5, settledAt: 20 });
    expect(r.valid).toBe(false);
    expect(r.detail).toMatch(/1 files session\(s\) lost/);
  });
});
