import { control, defineScenario, faultThenHeal, healthProbe, healthStates, holdFault, itemsOnEachNode, itemWrite, lostWrites, OBSERVE_MS, productInsert, productsOnPrimary, recoveredInTime, result, targets, union } from "../src/index.js";
import { MUTANTS } from "./mutants.js";

const PORTS = ["pg-write", "pg-read", "mysql"] as const;


/**
 * SIGKILL HAProxy, the one path from the apps to every database. Recovery is an operator recreating it from its
 * saved config (the same alias, so the apps' links find it). Nothing acknowledged may be lost, and the apps'
 * health checks must report each HAProxy port down, then up. Origin: a single load balancer as a known single
 * point of failure, recovered by redeploying its config (seed 002, HAProxy disaster recovery).
 */
export default defineScenario({
  name: "haproxy-down",
  fault: "kill haproxy; recover by recreating it from its saved config",
  expected: "recoveryMs; no acknowledged write lost; a health check reports each port down then up",
  topology: { slices: ["postgres", "mysql", "web"] },
  mechanisms: ["haproxy-checks", "pg-streaming", "mysql-replication", "app-settings"],
  mutants: [MUTANTS.healthIgnoresDeps, MUTANTS.itemsNoCommit],
  // Held until a /health started after the kill has answered (its dependency calls end within the app's timeout),
  // then watched.
  // Recovery: the new HAProxy takes every server as up until its checks say otherwise, so the standby leaves
  // pg-write only after `fall` checks; a site's /health meets its timeout on a connection the old one left hung.
  phases: (spec) => {
    const h = spec.timings.haproxy;
    return {
      faultMs: spec.timings.app.depTimeoutMs + OBSERVE_MS,
      afterMs: 1500,
      recoveryBoundMs: h.interMs * h.fall + h.checkTimeoutMs + spec.timings.app.depTimeoutMs + spec.margins.probeIntervalMs + spec.margins.schedulerLatenessMs,
    };
  },
  timeline: faultThenHeal("kill", "haproxy", "recreate from saved config"),
  workload(ctx) {
    const t = targets(ctx.topology);
    const products = `${ctx.tag}-ins`;
    const items = `${ctx.tag}-i`;
    return Promise.resolve({
      probes: [productInsert(ctx.http, t.caddy, products), itemWrite(ctx.http, t.caddy, items), healthProbe(ctx.http, t.gra)],
      finalRead: async () => {
        const nodes = await itemsOnEachNode(ctx.topology, items);
        return { "product-insert": await productsOnPrimary(ctx.topology, products), "item-write": union(nodes["mysql-1"], nodes["mysql-2"]) };
      },
    });
  },
  inject: (ctx) => holdFault(ctx, () => ctx.topology.kill("haproxy")),
  async heal(ctx) {
    await ctx.topology.recreate("haproxy");
  },
  checks(e) {
    const health = e.ops.filter((o) => o.f === "health" && o.value?.note);
    const seen = (port: string, state: string, from: number, to: number) => health.some((o) => o.start >= from && o.start < to && healthStates(o.value?.note)[port] === state);
    const after = e.at.steadyAt ?? e.at.end;
    const ports = PORTS.map((p) => ({ p, down: seen(p, "down", e.at.fault, e.at.heal), up: seen(p, "up", after, e.at.end + 1) }));
    const writes = (f: string) => e.ops.filter((o) => o.f === f && o.start >= e.at.fault && o.end <= e.at.heal);
    const failedWrites = [...writes("product-insert"), ...writes("item-write")].filter((o) => o.type !== "ok").length;
    return [
      control("the loss of HAProxy was felt: writes through it failed", failedWrites > 0, `${String(failedWrites)} product and item writes did not succeed while HAProxy was dead`),
      result("health reports each port down, then up", ports.every((x) => x.down && x.up), ports.map((x) => `${x.p}: ${x.down ? "down" : "never down"} → ${x.up ? "up" : "not up"}`).join("; ")),
      lostWrites(e.ops, { f: "product-insert", present: e.finalRead["product-insert"] ?? null }),
      lostWrites(e.ops, { f: "item-write", present: e.finalRead["item-write"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
