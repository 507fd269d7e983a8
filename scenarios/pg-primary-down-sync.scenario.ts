import { pgPrimaryDown } from "./pg-primary-down.js";

/** The second variant: synchronous_standby_names = 'pg-replica', so no acknowledged write may be lost. */
export default pgPrimaryDown("pg-primary-down-sync", true);
