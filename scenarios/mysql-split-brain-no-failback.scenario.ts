import { mysqlSplitBrain } from "./mysql-split-brain.js";

/** Seed 000's protection: mysql-2 a backup that keeps every connection once it took over (no automatic fail-back). */
export default mysqlSplitBrain(true);
