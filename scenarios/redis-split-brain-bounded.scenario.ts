import { redisSplitBrain } from "./redis-split-brain.js";

/** The mitigation: min-replicas-to-write 1, so the isolated master stops taking writes within min-replicas-max-lag. */
export default redisSplitBrain(true);
