import type { StartedTestContainer } from "testcontainers";
import { PORTS } from "./containers.js";

/** Where one node answers from the host: its id, host and mapped ports (container port → host port). */
export interface NodeAddress {
  readonly id: string;
  readonly host: string;
  readonly ports: Readonly<Record<number, number>>;
}

const KNOWN_PORTS = [...new Set(Object.values(PORTS))];

/** Where a container answers from the host: the given ports (by default every port a built-in part publishes). */
export function addressOf(c: StartedTestContainer, ports: readonly number[] = KNOWN_PORTS): NodeAddress {
  const mapped: Record<number, number> = {};
  for (const p of ports) {
    try {
      mapped[p] = c.getMappedPort(p);
    } catch {
      // not exposed by this node
    }
  }
  return { id: c.getId(), host: c.getHost(), ports: mapped };
}

/** What facts need of a container: its id, host and mapped ports. */
export function nodeOf(a: NodeAddress): StartedTestContainer {
  const node = {
    getId: () => a.id,
    getHost: () => a.host,
    getMappedPort: (port: number) => {
      const mapped = a.ports[port];
      if (mapped === undefined) throw new Error(`port ${String(port)} is not mapped on ${a.id.slice(0, 12)}`);
      return mapped;
    },
  };
  return node as unknown as StartedTestContainer;
}
