import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];

// Registered when a test file first imports this: the file's folders go when its tests end, pass or fail.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system's temporary one, removed once the importing test file's tests have run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `brownout-${prefix}-`));
  made.push(dir);
  return dir;
}
