import config from "../brownout.config.js";
import { loadConfig } from "../src/config/load.js";
import { chaosSuite } from "../test/chaos-suite.js";

// The meeting stack's chaos suite (brownout.config.ts): `npm test` runs every scenario and then every mutant.
chaosSuite(await loadConfig({ config, file: "brownout.config.ts" }));
