import { UserError } from "../errors.js";

/** A declaration's settings as an object whose keys are all known: an unknown key names the valid ones. */
export function knownKeys(node: string, kind: string, raw: unknown, keys: readonly string[]): Record<string, unknown> {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UserError(`node '${node}' (${kind}): settings must be an object`);
  const unknown = Object.keys(raw).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new UserError(`node '${node}' (${kind}): unknown setting ${unknown.map((k) => `'${k}'`).join(", ")}; settings are: ${keys.join(", ")}`);
  return raw as Record<string, unknown>;
}

/** A setting that must be of a shape: its value, or a clear error saying what was expected. */
export function expect<T>(node: string, key: string, value: unknown, ok: (v: unknown) => v is T, expected: string): T {
  if (!ok(value)) throw new UserError(`node '${node}': '${key}' must be ${expected}, not ${JSON.stringify(value)}`);
  return value;
}

export const isString = (v: unknown): v is string => typeof v === "string" && v !== "";
export const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
export const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
export const isStringMap = (v: unknown): v is Record<string, string> => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");

/** An optional setting: its default when the declaration leaves it out, else checked as `expect` does. */
export function orDefault<T>(node: string, raw: Readonly<Record<string, unknown>>, key: string, fallback: T, ok: (v: unknown) => v is T, expected: string): T {
  return raw[key] === undefined ? fallback : expect(node, key, raw[key], ok, expected);
}
