import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { PINS } from "./pins.js";

const run = promisify(execFile);

/** What the host says about where packages come from; passed into image builds, never written into the project. */
export interface HostSources {
  /** Debian archive URI serving the pinned release (main), or undefined when the host has none. */
  readonly aptMirror: string | undefined;
  /** Debian security archive URI, when the host lists one. */
  readonly aptSecurityMirror: string | undefined;
  /** `go env GOPROXY` / `GOSUMDB` of the host, when Go is installed; the build stage's Go defaults otherwise. */
  readonly goProxy: string | undefined;
  readonly goSumDb: string | undefined;
  /** Standard proxy variables of this process, which Docker passes to RUN steps without ARG lines. */
  readonly proxyEnv: Readonly<Record<string, string>>;
}

interface AptEntry {
  readonly uri: string;
  readonly suites: readonly string[];
}

/** One-line format: `deb [options] uri suite component...`. */
export function parseSourcesList(text: string): AptEntry[] {
  const entries: AptEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line.startsWith("deb ")) continue;
    const words = line
      .slice(4)
      .replace(/\[[^\]]*\]/, "")
      .trim()
      .split(/\s+/);
    const [uri, suite] = words;
    if (uri && suite) entries.push({ uri, suites: [suite] });
  }
  return entries;
}

/** deb822 format (`*.sources`): stanzas of `Field: value` separated by blank lines. */
export function parseDeb822(text: string): AptEntry[] {
  const entries: AptEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split("\n")) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2].trim());
    }
    if (fields.get("enabled") === "no") continue;
    if (!(fields.get("types") ?? "").split(/\s+/).includes("deb")) continue;
    const suites = (fields.get("suites") ?? "").split(/\s+/).filter(Boolean);
    for (const uri of (fields.get("uris") ?? "").split(/\s+/).filter(Boolean)) entries.push({ uri, suites });
  }
  return entries;
}

export function pickMirrors(
  entries: readonly AptEntry[],
  release: string = PINS.debianRelease,
): Pick<HostSources, "aptMirror" | "aptSecurityMirror"> {
  const strip = (uri: string) => uri.replace(/\/+$/, "");
  const main = entries.find((e) => e.suites.includes(release));
  const security = entries.find((e) => e.suites.includes(`${release}-security`));
  return { aptMirror: main && strip(main.uri), aptSecurityMirror: security && strip(security.uri) };
}

export async function readAptEntries(root = "/etc/apt"): Promise<AptEntry[]> {
  const entries: AptEntry[] = [];
  const tryRead = async (path: string) => readFile(path, "utf8").catch(() => "");
  entries.push(...parseSourcesList(await tryRead(join(root, "sources.list"))));
  const dir = join(root, "sources.list.d");
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    if (name.endsWith(".list")) entries.push(...parseSourcesList(await tryRead(join(dir, name))));
    if (name.endsWith(".sources")) entries.push(...parseDeb822(await tryRead(join(dir, name))));
  }
  return entries;
}

async function readGoEnv(): Promise<{ goProxy: string | undefined; goSumDb: string | undefined }> {
  try {
    const { stdout } = await run("go", ["env", "GOPROXY", "GOSUMDB"], { timeout: 10_000 });
    const [proxy, sumdb] = stdout.split("\n").map((s) => s.trim());
    return { goProxy: proxy || undefined, goSumDb: sumdb || undefined };
  } catch {
    return { goProxy: process.env.GOPROXY || undefined, goSumDb: process.env.GOSUMDB || undefined };
  }
}

const PROXY_VARS = ["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"] as const;

export async function readHostSources(): Promise<HostSources> {
  const [entries, go] = await Promise.all([readAptEntries(), readGoEnv()]);
  const proxyEnv: Record<string, string> = {};
  for (const name of PROXY_VARS) {
    const value = process.env[name];
    if (value) proxyEnv[name] = value;
  }
  return { ...pickMirrors(entries), ...go, proxyEnv };
}
