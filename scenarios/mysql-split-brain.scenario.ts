import { mysqlSplitBrain } from "./mysql-split-brain.js";

/** The meeting stack's HAProxy (automatic fail-back): both nodes take writes to the same rows while the pair is cut. */
export default mysqlSplitBrain(false);
