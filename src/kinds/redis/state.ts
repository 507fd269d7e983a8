import type { StartedTestContainer } from "testcontainers";
import { addressOf } from "../../cluster/address.js";
import { PORTS } from "../../cluster/containers.js";
import { type RedisRole, redisRole } from "./node.js";
import { sentinelMaster } from "./sentinel-node.js";
import { MASTER_NAME } from "./sentinel.js";

/** What a stack's Redis nodes and Sentinels say now: the master each Sentinel names, each node's role and link. */
export interface RedisState {
  /** The master each Sentinel names, in the stack's order of its Sentinels. */
  readonly sentinelMasters: readonly string[];
  /** Each Redis node's role and link, from its own INFO replication. */
  readonly nodes: Readonly<Record<string, RedisRole>>;
}

interface KindNodes {
  readonly declaredNodes: readonly { readonly declaration: { readonly name: string }; readonly kind: { readonly name: string }; readonly container: StartedTestContainer }[];
}

/** Reads a running stack's Redis state (its nodes of kinds redis and sentinel), for a scenario's observations. */
export async function redisStateOf(topology: KindNodes, master = MASTER_NAME): Promise<RedisState> {
  const of = (kind: string) => topology.declaredNodes.filter((n) => n.kind.name === kind);
  const [sentinelMasters, roles] = await Promise.all([
    Promise.all(of("sentinel").map((n) => sentinelMaster(addressOf(n.container, [PORTS.sentinel]), master))),
    Promise.all(of("redis").map(async (n) => [n.declaration.name, await redisRole(addressOf(n.container, [PORTS.redis]))] as const)),
  ]);
  return { sentinelMasters, nodes: Object.fromEntries(roles) };
}
