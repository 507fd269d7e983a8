import { existsSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../paths.js";

/** A template file: the stack's own when its folder has it, else the built-in one under fixtures/<kind>/. */
export function templateFile(kind: "haproxy" | "caddy", name: string, userDir: string | undefined): string {
  if (userDir && existsSync(join(userDir, name))) return join(userDir, name);
  return fixture(kind, name);
}

/** Fills {{name}} placeholders (HAProxy's and Caddy's templates); one without a value is an error, never "". */
export function render(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`config template: no value for {{${name}}}`);
    return String(value);
  });
}
