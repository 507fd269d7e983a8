import { defineConfig } from "./src/index.js";
import { MEETING_SCENARIOS } from "./scenarios/index.js";
import { MEETING_SOAK } from "./scenarios/soak.js";

/**
 * The built-in meeting stack (seed 003's GRA/SBG sites behind Caddy, HAProxy, PostgreSQL primary + streaming
 * replica, MariaDB master-master, Redis with three Sentinels, Toxiproxy links), defined through the same public
 * API a team uses for its own stack: its parts and files are the built-in defaults, so only its scenarios are named.
 */
export default defineConfig({
  name: "meeting stack",
  scenarios: MEETING_SCENARIOS,
  soak: MEETING_SOAK,
});
