import { ensureEngine } from "../src/images/engine.js";
import { ensureImages } from "../src/images/ensure-images.js";
import { plainProgress } from "../src/images/progress.js";

/** Integration tests need the engine and every image; both steps are no-ops when already there. */
export default async function setup(): Promise<void> {
  await ensureEngine();
  await ensureImages({ onEvent: plainProgress((text) => process.stderr.write(text)) });
}
