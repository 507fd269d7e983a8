import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { UserError } from "../errors.js";
import { aptInstall } from "../images/apt.js";
import { readHostFacts } from "../images/engine.js";

const exec = promisify(execFile);
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * Debian's Chromium, for looking at the report the way a user does. Installed (once, saying so) where Brownout
 * may: as root on Debian; elsewhere a clear error says how to get it.
 */
export async function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const host = readHostFacts();
  if (!host.isRoot || !host.debianLike) {
    throw new UserError("Chromium is not installed", { hint: "install Debian's chromium package (apt-get install chromium), or run as root on Debian and Brownout installs it" });
  }
  log("brownout: Chromium is not installed: installing Debian's chromium package (once) to render the report");
  await aptInstall(["chromium"], log);
  const installed = CANDIDATES.find((p) => existsSync(p));
  if (!installed) throw new UserError("apt-get installed chromium but no chromium binary was found");
  return installed;
}

/**
 * Headless Chromium on a page: its DOM once `rendered(dom)` holds, then a PNG screenshot taken the same way.
 * A busy machine renders a large page late, so each try gives the page more time, up to a deadline.
 */
export async function renderPage(
  chromium: string,
  url: string,
  screenshot: string,
  rendered: (dom: string) => boolean,
  opts: { width?: number; height?: number; withinMs?: number } = {},
): Promise<string> {
  const deadline = performance.now() + (opts.withinMs ?? 90_000);
  let dom = "";
  for (let budgetMs = 5000; ; budgetMs *= 2) {
    const common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--window-size=${String(opts.width ?? 1400)},${String(opts.height ?? 900)}`, `--virtual-time-budget=${String(budgetMs)}`];
    dom = (await exec(chromium, [...common, "--dump-dom", url], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 })).stdout;
    if (rendered(dom)) {
      await exec(chromium, [...common, `--screenshot=${screenshot}`, url], { timeout: 60_000 });
      return dom;
    }
    if (performance.now() > deadline) return dom;
  }
}
