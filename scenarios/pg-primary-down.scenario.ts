import { pgPrimaryDown } from "./pg-primary-down.js";

/** Asynchronous streaming replication: acknowledged writes not yet streamed when the primary dies are lost, and counted. */
export default pgPrimaryDown("pg-primary-down", false);
