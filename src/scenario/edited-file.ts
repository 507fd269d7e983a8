import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { UserError } from "../errors.js";

/** One edit of a file: `find` must be in it exactly once. */
export interface FileEdit {
  readonly find: string;
  readonly replace: string;
}

/**
 * A stack's own file (an HAProxy configuration, a template) with a mutant's edits, written to a file of its own
 * for the mutant to mount: a mutant states only its regression, so the rest of its file never drifts from the
 * design's (a section added to the design later is in every mutant). An edit whose text is not there exactly once
 * is an error, so a mutant never quietly runs the design or a guess. The file's first line names the mutant and
 * its regression (`comment` starts a comment line in the file's language). Same content, same file name.
 */
export function editedFile(source: string, mutant: { readonly name: string; readonly regression: string }, edits: readonly FileEdit[], comment = "#"): string {
  let text = readFileSync(source, "utf8");
  for (const e of edits) {
    const n = text.split(e.find).length - 1;
    if (n !== 1) throw new UserError(`mutant ${mutant.name}: its edit's text is in ${basename(source)} ${String(n)} times, not once: ${JSON.stringify(e.find.split("\n")[0])}`);
    text = text.replace(e.find, () => e.replace);
  }
  text = `${comment} MUTANT ${mutant.name}: ${mutant.regression}\n${text}`;
  const dir = join(tmpdir(), "brownout-mutants");
  const ext = basename(source).slice(basename(source).indexOf(".")) || extname(source);
  const file = join(dir, `${mutant.name}-${createHash("sha256").update(text).digest("hex").slice(0, 12)}${ext}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
  return file;
}
