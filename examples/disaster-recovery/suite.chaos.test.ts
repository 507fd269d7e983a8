import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load.js";
import { chaosSuite } from "../../test/chaos-suite.js";
import config from "./brownout.config.js";

// Seed 002's disaster-recovery stack, in this repo's gate: its scenarios and their mutants, fast profile. Its
// scenario files are imported by vitest itself (`brownout` is aliased to src/index.ts), so the library is loaded once.
chaosSuite(await loadConfig({ config, file: fileURLToPath(new URL("./brownout.config.ts", import.meta.url)), importer: (f) => import(/* @vite-ignore */ f) as Promise<Record<string, unknown>> }));
