import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot, runsFromBuild } from "../paths.js";

/** Where `npm run build` writes the bundle, so the built package needs neither esbuild nor the app's sources. */
export const PREBUILT_APP = "dist/app/main.cjs";

let bundled: Buffer | undefined;

/**
 * The app and its dependencies as one CommonJS file for the image's Node (Debian's, 18): the image then needs no
 * npm and no registry, and the bytes of this file are what the app image's content hash covers. From the sources
 * it is bundled with esbuild (a dev dependency); the built package carries it ready made.
 */
export function appBundle(): Buffer {
  if (bundled) return bundled;
  const prebuilt = join(packageRoot(), PREBUILT_APP);
  if (runsFromBuild() && existsSync(prebuilt)) return (bundled = readFileSync(prebuilt));
  return (bundled = bundleApp());
}

/** esbuild over app/src/main.ts; loaded on demand, so the built package does not need it. */
export function bundleApp(): Buffer {
  const { buildSync } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const result = buildSync({
    entryPoints: [join(packageRoot(), "app", "src", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    write: false,
    minify: false,
    legalComments: "none",
    // Optional native add-ons the drivers try to load and do without.
    external: ["pg-native", "bufferutil", "utf-8-validate"],
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for the app");
  return Buffer.from(file.contents);
}
