import { testcontainersEnv } from "./testcontainers-env.js";

// Side effect only: an entry point imports this before anything that imports testcontainers (ES modules
// evaluate their imports in order), so testcontainers starts with our reaper image and loopback host.
Object.assign(process.env, testcontainersEnv());
