import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../kinds/index.js";
import { type StartedTopology, startTopology } from "../stack/index.js";
import { dockerClient } from "../images/engine.js";
import { imageTag } from "../images/recipe-hash.js";
import { activeFault } from "../cluster/fault-handle.js";
import { operation } from "../faults/spec.js";
import { nodesFromCompose } from "./compose.js";
import { GENERIC, type GenericSettings } from "./generic.js";
import type { NodeKind } from "./kind.js";
import { registerNodeKind } from "./registry.js";

const echoContext = fileURLToPath(new URL("../../test/fixtures/echo-node/", import.meta.url));
const HEALTH = `perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1:7000") ? 0 : 1)'`;

/** A team's kind built on the generic one, with one operation of its own. */
const WITH_OPS: NodeKind<GenericSettings> = {
  ...GENERIC,
  name: "generic-ops",
  operations: {
    touch: async (node, _settings, args) => {
      const r = await node.container.exec(["touch", String(args.path)]);
      if (r.exitCode !== 0) throw new Error(r.output);
      return activeFault(`touched ${String(args.path)}`, () => Promise.resolve());
    },
  },
};

describe("declared nodes of the generic kind", { timeout: 180_000 }, () => {
  let topology: StartedTopology;

  beforeAll(async () => {
    registerNodeKind(WITH_OPS);
    topology = await startTopology({
      slices: [],
      nodes: [
        // A build context on Brownout's base, health by a command.
        { name: "echo", kind: "generic-ops", settings: { build: { context: echoContext }, ports: [7000], health: { command: HEALTH }, tmpfs: { "/spool": "size=4m" } } },
        // An image the engine has, health by TCP, started after the first.
        { name: "cache", kind: "generic", settings: { image: imageTag("redis"), command: ["redis-server", "--port", "7001", "--save", ""], health: { tcp: 7001 } }, after: ["echo"] },
      ],
    });
  });

  afterAll(async () => {
    await topology[Symbol.asyncDispose]();
  });

  it("start under their names, and verify() asks each its health", async () => {
    // Beside the topology's own nodes run by kinds (its Toxiproxy).
    expect(topology.declaredNodes.map((n) => n.declaration.name)).toEqual(["toxiproxy", "echo", "cache"]);
    expect((await topology.verify({ withinMs: 10_000 })).problems).toEqual([]);
    expect(topology.node("echo").getMappedPort(7000)).toBeGreaterThan(0);
  });

  it("take faults by name: a killed or frozen node fails its health, and is healthy again once healed", async () => {
    const killed = await topology.kill("cache");
    expect(await topology.nodeProblems()).toEqual([expect.stringMatching(/^cache does not accept on port 7001: /)]);
    await killed.heal();
    expect((await topology.verify({ withinMs: 10_000 })).problems).toEqual([]);
    // A frozen process's port still accepts (the kernel answers): its health command is what tells.
    const frozen = await topology.pause("echo");
    expect(await topology.nodeProblems()).toEqual([expect.stringMatching(/^echo's health command /)]);
    await frozen.heal();
    expect((await topology.verify({ withinMs: 10_000 })).problems).toEqual([]);
  });

  it("disk-full fills a declared node's tmpfs volume to its last block; the heal frees it", async () => {
    const full = await topology.fillDisk("echo");
    expect(full.description).toBe("fill echo's volume /spool (4 MB, 0 left)");
    expect((await topology.node("echo").exec(["sh", "-c", "echo x > /spool/more"])).exitCode).not.toBe(0);
    await full.heal();
    expect((await topology.node("echo").exec(["sh", "-c", "echo x > /spool/more && rm /spool/more"])).exitCode).toBe(0);
    await expect(topology.fillDisk("cache")).rejects.toThrow(/disk-full on cache fills one of its declared tmpfs volumes, and it declares none/);
    await expect(topology.fillDisk("echo", "/data")).rejects.toThrow(/declared tmpfs volumes: \/spool \(not \/data\)/);
  });

  it("a kind's operation is fault data at the same door; an unknown one names the kind's", async () => {
    await topology.inject(operation("echo", "touch", { path: "/tmp/touched" }));
    expect((await topology.node("echo").exec(["test", "-f", "/tmp/touched"])).exitCode).toBe(0);
    await expect(topology.inject(operation("echo", "purge"))).rejects.toThrow(/node echo \(generic-ops\) has no operation 'purge'; its operations are: touch/);
    await expect(topology.inject(operation("pg-primary", "touch"))).rejects.toThrow(/operations belong to the kinds of the nodes run through one; those nodes are: toxiproxy, echo, cache/);
  });

  it("an unknown node names the topology's nodes, the declared ones included", async () => {
    await expect(topology.kill("ech0")).rejects.toThrow(/unknown role 'ech0'; roles are: .*; declared nodes are: echo, cache/);
  });

  it("an image the engine does not have fails with how to map it", async () => {
    await expect(startTopology({ slices: [], nodes: [{ name: "mq", kind: "generic", settings: { image: "rabbitmq:3-management" } }] })).rejects.toThrow(/node 'mq': the engine has no image 'rabbitmq:3-management', and no image can be pulled here/);
  });

  it("a node started once another runs (compose's service_started) does not wait for that one's health: here echo is healthy only once cache answers", async () => {
    // Waiting for echo to be healthy first (service_healthy, `after`) would never end: its health asks cache.
    const asksCache = `perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => "cache:7001", Timeout => 1) ? 0 : 1)'`;
    await using t = await startTopology({
      slices: [],
      nodes: [
        { name: "echo", kind: "generic", settings: { build: { context: echoContext }, ports: [7000], health: { command: asksCache } } },
        { name: "cache", kind: "generic", settings: { image: imageTag("redis"), command: ["redis-server", "--port", "7001", "--save", ""], health: { tcp: 7001 } }, afterStarted: ["echo"] },
      ],
    });
    expect((await t.verify({ withinMs: 10_000 })).problems).toEqual([]);
    const startedAt = async (name: string) => Date.parse((await dockerClient().getContainer(t.node(name).getId()).inspect()).State.StartedAt);
    expect(await startedAt("cache")).toBeGreaterThanOrEqual(await startedAt("echo"));
  });

  it("a stack from the team's docker-compose.yml starts as it declares, and takes a partition between its services", async () => {
    process.env.CACHE_IMAGE = imageTag("redis");
    await using fromCompose = await startTopology({ slices: [], nodes: nodesFromCompose(join(echoContext, "docker-compose.yml")) });
    expect((await fromCompose.verify({ withinMs: 10_000 })).problems).toEqual([]);
    // cache reaches echo by its service name, until they are partitioned.
    const probe = "perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => \"echo:7000\", Timeout => 1) ? 0 : 1)'";
    expect((await fromCompose.node("cache").exec(["sh", "-c", probe])).exitCode).toBe(0);
    const cut = await fromCompose.partition("cache", "echo");
    expect((await fromCompose.node("cache").exec(["sh", "-c", probe])).exitCode).not.toBe(0);
    await cut.heal();
    expect((await fromCompose.node("cache").exec(["sh", "-c", probe])).exitCode).toBe(0);
  });
});
