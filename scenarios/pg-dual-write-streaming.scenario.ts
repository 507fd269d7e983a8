import { pgDualWrite } from "./pg-dual-write.js";

/** The same workload with the copy made by streaming replication: the restarted replica catches up. */
export default pgDualWrite(true);
