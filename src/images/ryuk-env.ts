import { imageTag } from "./recipe-hash.js";

/**
 * Side effect only: points testcontainers at our reaper image. testcontainers reads RYUK_CONTAINER_IMAGE once,
 * when first imported, so an entry point imports this module before anything that imports testcontainers
 * (ES modules evaluate their imports in order). vitest.config.ts does the same for test workers.
 */
process.env.RYUK_CONTAINER_IMAGE ??= imageTag("ryuk");
