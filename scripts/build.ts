// `npm run build`: the package a team installs. tsc emits the library, the CLI and the benchmarks into dist/; the
// facts worker's entry is copied beside its JavaScript; the built-in app is bundled once, so the installed package
// needs neither esbuild nor the app's sources to build the app image (same bytes, so the same image tag).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PREBUILT_APP, bundleApp } from "../src/images/app-bundle.js";
import { packageRoot } from "../src/paths.js";

const root = packageRoot();
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(dirname(join(root, PREBUILT_APP)), { recursive: true });
writeFileSync(join(root, PREBUILT_APP), bundleApp());
chmodSync(join(dist, "src/cli/main.js"), 0o755);
process.stdout.write(`built ${dist}\n`);
