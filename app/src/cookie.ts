import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { SESSION_STORES, type SessionStoreMode } from "./config.js";

/** A session cookie names its store and id, signed with the secret both sites share: `<store>.<id>.<mac>`. */
export interface SessionRef {
  readonly store: SessionStoreMode;
  readonly id: string;
}

function mac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

export function newSessionId(): string {
  return randomBytes(18).toString("base64url");
}

export function signSession(secret: string, ref: SessionRef): string {
  const payload = `${ref.store}.${ref.id}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The session a cookie value names, or null when it is malformed or not signed with this secret. */
export function verifySession(secret: string, value: string): SessionRef | null {
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  const [store, id, given] = parts as [string, string, string];
  if (!(SESSION_STORES as readonly string[]).includes(store) || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
  const expected = Buffer.from(mac(secret, `${store}.${id}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { store: store as SessionStoreMode, id };
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setCookie(name: string, value: string, opts: { secure: boolean; maxAgeS: number }): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeS}${opts.secure ? "; Secure" : ""}`;
}
