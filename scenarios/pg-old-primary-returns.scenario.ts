import { pgOldPrimaryReturns } from "./pg-old-primary-returns.js";

/** The old primary restarted without a fence: two primaries behind pg-write, writes split between timelines. */
export default pgOldPrimaryReturns(false);
