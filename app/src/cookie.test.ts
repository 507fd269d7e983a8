import { describe, expect, it } from "vitest";
import { newSessionId, readCookie, signSession, verifySession } from "./cookie.js";

describe("session cookies", () => {
  const secret = "shared-by-both-sites";

  it("round-trips a signed session on any site that shares the secret", () => {
    const ref = { store: "redis" as const, id: newSessionId() };
    expect(verifySession(secret, signSession(secret, ref))).toEqual(ref);
  });

  it("rejects a forged, altered or foreign cookie", () => {
    const value = signSession(secret, { store: "mysql", id: "abc" });
    expect(verifySession("another-secret-here", value)).toBeNull();
    expect(verifySession(secret, value.replace("mysql.abc", "mysql.abd"))).toBeNull();
    expect(verifySession(secret, value.replace("mysql", "memory"))).toBeNull();
    expect(verifySession(secret, "garbage")).toBeNull();
    expect(verifySession(secret, "disk.abc.x")).toBeNull();
  });

  it("reads one cookie from a header", () => {
    expect(readCookie("SRV=gra; brownout.sid=v.a.l", "brownout.sid")).toBe("v.a.l");
    expect(readCookie("SRV=gra", "brownout.sid")).toBeUndefined();
    expect(readCookie(undefined, "x")).toBeUndefined();
  });
});
