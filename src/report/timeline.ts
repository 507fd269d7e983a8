import type { Conviction } from "../assertions/check.js";
import { type Completed, NEMESIS } from "../workload/op.js";

const COLORS = { ok: "#2e7d32", fail: "#c62828", info: "#ef6c00" } as const;
/** The outline of an op a checker convicted, whatever its own outcome (a lost write was acknowledged: green). */
const CONVICTED: Record<Conviction, string> = { lost: "#000000", stale: "#1565c0", divergent: "#6a1b9a", unknown: "#757575" };

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}

/**
 * An availability timeline as SVG: one row per probe process, one tick per op at its invoke time (green ok, red
 * fail, orange unknown), the fault window shaded, phase marks as dashed lines.
 */
export function timelineSvg(
  ops: readonly Completed[],
  marks: readonly { name: string; t: number }[],
  fault: { from: number; to: number } | null,
  title: string,
  /** Each fault of a schedule in force, shaded on its own (a soak's nemesis schedule). */
  windows: readonly { readonly from: number; readonly to: number | null; readonly description: string }[] = [],
  /** What the checks convicted each op of, by op id: drawn as an outline and a mark under the op. */
  convicted: ReadonlyMap<number, Conviction> = new Map(),
): string {
  const processes = [...new Set(ops.map((o) => o.process))].sort();
  const end = Math.max(1, ...ops.map((o) => o.end), ...marks.map((m) => m.t));
  const left = 190;
  const width = 1000;
  const row = 18;
  const top = 40;
  const height = top + processes.length * row + 40;
  const x = (t: number) => left + (t / end) * (width - left - 10);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  if (fault) {
    parts.push(`<rect x="${x(fault.from).toFixed(1)}" y="${String(top - 8)}" width="${Math.max(1, x(fault.to) - x(fault.from)).toFixed(1)}" height="${String(processes.length * row + 8)}" fill="#ffcdd2" opacity="0.6"><title>fault ${String(Math.round(fault.from))}–${String(Math.round(fault.to))} ms</title></rect>`);
  }
  for (const w of windows) {
    const to = w.to ?? end;
    parts.push(`<rect x="${x(w.from).toFixed(1)}" y="${String(top - 8)}" width="${Math.max(1, x(to) - x(w.from)).toFixed(1)}" height="${String(processes.length * row + 8)}" fill="#b39ddb" opacity="0.35"><title>${esc(`${w.description}: ${String(Math.round(w.from))}–${w.to === null ? "never healed" : String(Math.round(w.to))} ms`)}</title></rect>`);
  }
  for (const m of marks) {
    parts.push(`<line x1="${x(m.t).toFixed(1)}" x2="${x(m.t).toFixed(1)}" y1="${String(top - 10)}" y2="${String(height - 30)}" stroke="#555" stroke-dasharray="3,3"/>`);
    parts.push(`<text x="${(x(m.t) + 2).toFixed(1)}" y="${String(top - 12)}" fill="#555">${esc(m.name)}</text>`);
  }
  processes.forEach((p, i) => {
    const y = top + i * row;
    parts.push(`<text x="${String(left - 6)}" y="${String(y + 12)}" text-anchor="end">${esc(p)}</text>`);
    for (const o of ops) {
      if (o.process !== p) continue;
      const w = Math.max(1.5, x(o.end) - x(o.start));
      // The nemesis's steps are labelled (what, on what, how long): the fault timeline as it ran, from the history.
      const label = p === NEMESIS ? `${o.f} ${o.value?.target ?? ""}` : "";
      const as = convicted.get(o.id);
      const outline = as ? ` stroke="${CONVICTED[as]}" stroke-width="2"` : "";
      const rect = `<rect x="${x(o.start).toFixed(1)}" y="${String(y + 2)}" width="${w.toFixed(1)}" height="${String(row - 6)}" fill="${label ? "#5e35b1" : COLORS[o.type]}"${outline}`;
      parts.push(label ? `${rect}><title>${esc(`${label}: ${o.value?.note ?? ""} (${String(Math.round(o.end - o.start))} ms, ${o.type})`)}</title></rect>` : as ? `${rect}><title>${esc(`${as}: ${o.f} ${o.value?.key ?? ""} (${o.type})`)}</title></rect>` : `${rect}/>`);
      if (as) parts.push(`<rect x="${x(o.start).toFixed(1)}" y="${String(y + row - 3)}" width="${w.toFixed(1)}" height="2" fill="${CONVICTED[as]}"/>`);
      if (label) parts.push(`<text x="${(x(o.start) + 2).toFixed(1)}" y="${String(y + row + 8)}" fill="#5e35b1" font-size="9">${esc(label)}</text>`);
    }
  });
  const axisY = height - 20;
  for (let s = 0; s <= end / 1000; s += Math.max(1, Math.ceil(end / 1000 / 10))) {
    parts.push(`<text x="${x(s * 1000).toFixed(1)}" y="${String(axisY)}" text-anchor="middle" fill="#333">${String(s)} s</text>`);
  }
  parts.push(
    // Each swatch before its word, so none reads as the next one's colour.
    `<text x="${String(left)}" y="${String(height - 4)}" fill="#333">${[
      ...(["ok", "fail", "info"] as const).map((t) => [COLORS[t], t === "info" ? "unknown" : t] as const),
      ["#ffcdd2", "fault window"] as const,
      ...[...new Set(convicted.values())].map((c) => [CONVICTED[c], `convicted: ${c}`] as const),
    ]
      .map(([color, word]) => `<tspan fill="${color}">■</tspan> ${word}`)
      .join("   ")}</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}
