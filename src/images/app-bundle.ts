import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("../../app/src/main.ts", import.meta.url));

let bundled: Buffer | undefined;

/**
 * The app and its dependencies as one CommonJS file for the image's Node (Debian's, 18): the image then needs no
 * npm and no registry, and the bytes of this file are what the app image's content hash covers.
 */
export function appBundle(): Buffer {
  if (bundled) return bundled;
  const result = buildSync({
    entryPoints: [ENTRY],
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
  bundled = Buffer.from(file.contents);
  return bundled;
}
