import { PROFILES, type Profile } from "../cluster/profiles.js";
import { type SpecOptions, rolesOf, resolveSpec } from "../cluster/topology.js";
import { checkedNodes } from "../nodes/start.js";
import { type Scenario, intendedOptions, phasesFor } from "./define.js";

/** The plan of one scenario in words, for a profile: topology, phases with absolute times, fault steps and targets. */
export function describeScenario(s: Scenario, profile: Profile = PROFILES.fast, stack: SpecOptions = {}): string {
  const spec = resolveSpec(intendedOptions(s, profile, stack));
  const p = phasesFor(s, spec);
  const lines = [
    `${s.name}: ${s.fault}`,
    `  expected: ${s.expected}`,
    `  topology: ${spec.slices.join(", ") || "no built-in part"} (${rolesOf(spec).join(", ")}); profile ${spec.profile}`,
    // The nodes run by kinds (the slices' and the declared ones), their settings checked here, before any engine.
    ...(checkedNodes(spec).length > 0 ? [`  nodes:    ${checkedNodes(spec).map((n) => `${n.declaration.name} (${n.kind.name}${n.declaration.after?.length ? `, after ${n.declaration.after.join(", ")}` : ""}${n.declaration.afterStarted?.length ? `, once ${n.declaration.afterStarted.join(", ")} run` : ""})`).join(", ")}`] : []),
    `  0.0 s      topology start, verify`,
    `  +0.0 s     steady state, workload on (${String(p.steadyMs / 1000)} s)`,
  ];
  for (const step of s.timeline) {
    const at = step.atMs === "end" ? p.faultMs : step.atMs;
    lines.push(`  +${((p.steadyMs + at) / 1000).toFixed(1)} s`.padEnd(13) + `${step.action} → ${step.target}`);
  }
  lines.push(
    `  +${((p.steadyMs + p.faultMs) / 1000).toFixed(1)} s`.padEnd(13) + `recovery: verify() green within ${String(p.recoveryBoundMs / 1000)} s`,
    `  then        ${String(p.afterMs / 1000)} s more workload, final reads, checks`,
    `  controls:   mechanisms read back before the fault: ${s.mechanisms.join(", ") || "none"}`,
    ...s.mutants.map((m, i) => `${i === 0 ? "  mutants:    " : "              "}${m.name}: ${m.regression}`),
  );
  return lines.join("\n");
}
