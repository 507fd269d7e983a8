import type { StartedTestContainer } from "testcontainers";
import { UserError } from "../errors.js";
import { type ActiveFault, activeFault } from "./fault-handle.js";
import { inNetns } from "./partition.js";

/**
 * How packets are dropped: `netem` (the kernel's network emulator: loss on the way out, and the way in through
 * iptables) where the kernel has it, else `iptables-statistic` (iptables' `statistic` match, random mode, both
 * ways). Detected at run time, and reported with every run that used it.
 */
export type LossMechanism = "netem" | "iptables-statistic";

/** Every interface of the namespace but loopback. */
const DEVICES = "$(ls /sys/class/net | grep -v '^lo$')";

/** Tries netem on loopback and the statistic match with probability 0 (both undone at once): what this kernel has. */
export async function detectLossMechanism(anyContainer: StartedTestContainer): Promise<LossMechanism> {
  try {
    await inNetns(anyContainer, "tc qdisc add dev lo root netem loss 0% && tc qdisc del dev lo root");
    return "netem";
  } catch {
    // Without netem, the statistic match must work, or no loss can be injected here at all.
    await inNetns(anyContainer, "iptables -I OUTPUT -m statistic --mode random --probability 0 -j DROP && iptables -D OUTPUT -m statistic --mode random --probability 0 -j DROP");
    return "iptables-statistic";
  }
}

/** iptables rules dropping a share of the node's packets each way (random, independent per packet). */
function statisticRules(probability: string): string[] {
  return [`INPUT -m statistic --mode random --probability ${probability} -j DROP`, `OUTPUT -m statistic --mode random --probability ${probability} -j DROP`];
}

/**
 * Drops `percent` of a node's packets, each way, until healed: the node stays up and reachable, only lossy (TCP
 * retransmits; what a failing NIC, a congested link or a noisy neighbour does).
 */
export async function packetLoss(target: StartedTestContainer, role: string, percent: number, mechanism: LossMechanism): Promise<ActiveFault> {
  if (!(percent > 0 && percent < 100)) throw new UserError(`packet loss must be between 0 and 100 %, not ${String(percent)}`);
  const p = (percent / 100).toFixed(4);
  const [inbound] = statisticRules(p);
  const [add, del] =
    mechanism === "netem"
      ? [
          `for d in ${DEVICES}; do tc qdisc add dev $d root netem loss ${String(percent)}%; done && iptables -I ${inbound}`,
          `for d in ${DEVICES}; do tc qdisc del dev $d root 2>/dev/null; done; iptables -D ${inbound} 2>/dev/null; true`,
        ]
      : [statisticRules(p).map((r) => `iptables -I ${r}`).join(" && "), statisticRules(p).map((r) => `iptables -D ${r} 2>/dev/null`).join("; ").concat("; true")];
  await inNetns(target, add);
  return activeFault(`${String(percent)} % packet loss on ${role} (${mechanism})`, () => inNetns(target, del), role);
}
