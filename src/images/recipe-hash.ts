import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { fixture } from "../paths.js";
import { type Role, recipe } from "./catalog.js";
import { PINS } from "./pins.js";

export const FIXTURES_DIR = fixture("images");

export function recipeDir(role: Role): string {
  // A stack's own recipe names its folder absolutely; the catalog's are under fixtures/images.
  const dir = recipe(role).dir;
  return isAbsolute(dir) ? dir : join(FIXTURES_DIR, dir);
}

/** Every file of a folder, sorted, as [relative path, mode bit for exec, content]. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out;
}

const cache = new Map<Role, string>();

/**
 * Content hash of a recipe: its files (paths, exec bits, bytes), its pinned args, and the hashes of the images
 * it builds FROM. The same inputs give the same tag on every machine, so a tag present means nothing to build.
 */
export function recipeHash(role: Role): string {
  const known = cache.get(role);
  if (known) return known;
  const r = recipe(role);
  const dir = recipeDir(role);
  const h = createHash("sha256");
  h.update(`recipe-v1\0${isAbsolute(r.dir) ? role : r.dir}\0`);
  for (const path of listFiles(dir)) {
    const exec = (statSync(path).mode & 0o111) !== 0 ? "x" : "-";
    h.update(`${relative(dir, path).split(sep).join("/")}\0${exec}\0`);
    h.update(readFileSync(path));
    h.update("\0");
  }
  for (const [name, make] of Object.entries(r.generated ?? {}).sort()) {
    h.update(`generated\0${name}\0`);
    h.update(make());
    h.update("\0");
  }
  for (const [k, v] of Object.entries(r.args).sort()) h.update(`arg\0${k}=${v}\0`);
  for (const dep of r.from) h.update(`from\0${dep}=${recipeHash(dep as Role)}\0`);
  if (r.rootfs) h.update(`rootfs\0${PINS.debianRelease}\0`);
  const hash = h.digest("hex").slice(0, 12);
  cache.set(role, hash);
  return hash;
}

export function imageRepo(role: Role): string {
  return `localhost/brownout-${role}`;
}

/** `localhost/brownout-<role>:<content-hash>`: local by name, so no tool mistakes it for something to pull. */
export function imageTag(role: Role): string {
  return `${imageRepo(role)}:${recipeHash(role)}`;
}
