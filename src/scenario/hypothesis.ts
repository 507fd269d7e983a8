import { type CheckResult, type Span, control, round, within } from "../assertions/check.js";
import { type Completed, NEMESIS } from "../workload/op.js";

/**
 * Chaos Toolkit's steady-state hypothesis over one window of the history: every kind of probe op served without
 * a failure. Checked before the fault (false: the run is broken and no fault is injected, because a fault on a
 * stack that is not steady proves nothing) and again after recovery (false: the stack did not come back to what
 * its users had before). `ignore` leaves out ops the scenario documents as changed for good (a session lost with
 * its site's memory).
 */
export function steadyHypothesis(ops: readonly Completed[], span: Span, when: string, ignore: (o: Completed) => boolean = () => false): CheckResult {
  const name = `steady-state hypothesis ${when}`;
  // An op still in flight when the window closes has not failed (yet): it is left out, not counted against it.
  const mine = ops.filter((o) => o.process !== NEMESIS && !o.open && within(o.start, span) && o.end <= span.to && !ignore(o));
  const kinds = [...new Set(mine.map((o) => o.f))].sort();
  if (kinds.length === 0) return control(name, "unknown", `no probe ops between ${String(round(span.from))} and ${String(round(span.to))} ms`);
  const parts = kinds.map((f) => {
    const all = mine.filter((o) => o.f === f);
    const bad = all.filter((o) => o.type !== "ok");
    return { f, all: all.length, bad };
  });
  const failing = parts.filter((p) => p.bad.length > 0);
  const detail = parts
    .map((p) => {
      const first = p.bad[0];
      return `${p.f} ${String(p.all - p.bad.length)}/${String(p.all)} ok${first ? ` (first failure at ${String(round(first.start))} ms: ${first.error ?? first.value?.status ?? first.type})` : ""}`;
    })
    .join("; ");
  return control(name, failing.length === 0, `${String(round(span.from))}–${String(round(span.to))} ms: ${detail}`, { ops: mine.length, failed: failing.reduce((n, p) => n + p.bad.length, 0) });
}
