import { pgDualWrite } from "./pg-dual-write.js";

/** Seed 001's write to both: the app writes two independent databases itself; one dies and returns. */
export default pgDualWrite(false);
