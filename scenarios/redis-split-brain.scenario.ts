import { redisSplitBrain } from "./redis-split-brain.js";

/** Redis's defaults (the seed stack's): the isolated master takes writes for as long as the split lasts, all lost. */
export default redisSplitBrain(false);
