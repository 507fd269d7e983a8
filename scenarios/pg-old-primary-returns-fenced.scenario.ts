import { pgOldPrimaryReturns } from "./pg-old-primary-returns.js";

/** The runbook: the old primary is fenced in pg-write before the promotion, so its return takes no write. */
export default pgOldPrimaryReturns(true);
