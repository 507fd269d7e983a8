import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The folder of Brownout's own package.json: the same answer whether this module runs from src/ (tsx, vitest) or
 * from dist/src/ (the built package in a user's node_modules), so the fixtures ship beside the code.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "brownout") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("brownout: cannot find its own package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** A file or folder under the package's fixtures/ (templates, SQL, image recipes). */
export function fixture(...parts: string[]): string {
  return join(packageRoot(), "fixtures", ...parts);
}

/** Whether this module runs from the built JavaScript (dist/) rather than from the TypeScript sources. */
export function runsFromBuild(): boolean {
  return fileURLToPath(import.meta.url).endsWith(".js");
}
