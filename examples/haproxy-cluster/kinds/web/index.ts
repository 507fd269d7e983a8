// web1..web3 of seed 000 (Apache + PHP): the generic node of the compose service, plus the dashboard's
// session-mode switch as an operation.
import { kindOnGeneric } from "brownout";
import { writeSessionMode } from "../session-mode.js";

export const webKind = kindOnGeneric<Record<string, never>>({
  name: "web",
  summary: "an Apache + PHP web server of seed 000, whose session mode the dashboard switches",
  ownKeys: [],
  own: () => ({}),
  operations: { "session-mode": (node, _s, args) => writeSessionMode(node, args) },
});
