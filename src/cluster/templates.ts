import { existsSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../paths.js";

/** A template file: the stack's own when its folder has it, else the built-in one under fixtures/<kind>/. */
export function templateFile(kind: "haproxy" | "caddy", name: string, userDir: string | undefined): string {
  if (userDir && existsSync(join(userDir, name))) return join(userDir, name);
  return fixture(kind, name);
}
