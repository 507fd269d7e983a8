// Where a topology's start time goes: `npx tsx bench/topology-timeline.ts [role,role...]`. Prints each part's start
// time, then every change in verify()'s problems until steady state, then (for the roles named) each container's
// created/started instants and log lines, all in ms from the start, then the teardown time.
import "../src/images/testcontainers-setup.js";
import "../src/kinds/index.js";
import { startTopology } from "../src/stack/index.js";
import { dockerClient } from "../src/images/engine.js";

const roles = (process.argv[2] ?? "").split(",").filter(Boolean);
const wall0 = Date.now();
const t0 = performance.now();
const since = () => Math.round(performance.now() - t0);
const topology = await startTopology();
console.log(`started ${String(since())}`, JSON.stringify(Object.fromEntries(Object.entries(topology.startMs).map(([k, v]) => [k, Math.round(v)]))));
let last = "";
for (;;) {
  const problems = await topology.nodeProblems();
  const now = problems.join(" | ");
  if (now !== last) console.log(String(since()).padStart(6), problems.length > 0 ? now : "steady");
  last = now;
  if (problems.length === 0 || since() > 30_000) break;
}
for (const role of roles) {
  const container = dockerClient().getContainer(topology.node(role).getId());
  const info = await container.inspect();
  console.log(`--- ${role}: created ${String(Date.parse(info.Created) - wall0)}, started ${String(Date.parse(info.State.StartedAt) - wall0)}`);
  const logs = await container.logs({ stdout: true, stderr: true, timestamps: true });
  for (const line of logs.toString("latin1").split("\n")) {
    const m = /(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)/.exec(line);
    if (m?.[1] && m[2] !== undefined) console.log(String(Date.parse(m[1]) - wall0).padStart(6), m[2]);
  }
}
const t1 = performance.now();
await topology[Symbol.asyncDispose]();
console.log(`teardown ${String(Math.round(performance.now() - t1))}`);
