import type { Role } from "./catalog.js";
import type { ImageEvent, ImageResult } from "./ensure-images.js";

type Writer = (text: string) => void;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function stepText(e: Extract<ImageEvent, { kind: "step" }>): string {
  const n = e.step.total > 0 ? `step ${e.step.index}/${e.step.total}` : `step ${e.step.index}`;
  return `${n} ${e.step.text}`;
}

/** Line per event: for CI logs and anything that is not a terminal. */
export function plainProgress(write: Writer): (event: ImageEvent) => void {
  const started = new Map<Role, number>();
  return (event) => {
    const at = (role: Role) => seconds(performance.now() - (started.get(role) ?? performance.now()));
    switch (event.kind) {
      case "cached":
        write(`[images] ${event.role}: cached ${event.tag}\n`);
        break;
      case "start":
        started.set(event.role, performance.now());
        write(`[images] ${event.role}: building\n`);
        break;
      case "step":
        write(`[images] ${event.role}: ${shorten(stepText(event), 100)} (${at(event.role)})\n`);
        break;
      case "built":
        write(`[images] ${event.role}: built ${event.tag} in ${seconds(event.ms)}\n`);
        break;
      case "failed":
        write(`[images] ${event.role}: FAILED after ${at(event.role)}\n`);
        break;
      case "skipped":
        write(`[images] ${event.role}: skipped, ${event.because} failed\n`);
        break;
    }
  };
}

/** A live block on a terminal: one line per role that is building, redrawn in place with its elapsed time. */
export function ttyProgress(stream: NodeJS.WriteStream): { onEvent: (event: ImageEvent) => void; stop: () => void } {
  const active = new Map<Role, { since: number; text: string }>();
  let drawn = 0;
  const draw = () => {
    const width = Math.max(40, (stream.columns || 100) - 30);
    let out = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (const [role, s] of active) {
      out += `\x1b[2K  ${role.padEnd(16)} ${seconds(performance.now() - s.since).padStart(8)}  ${shorten(s.text, width)}\n`;
    }
    // Clear lines left over from a taller block.
    for (let i = active.size; i < drawn; i++) out += "\x1b[2K\n";
    if (drawn > active.size) out += `\x1b[${drawn - active.size}A`;
    drawn = active.size;
    stream.write(out);
  };
  const above = (line: string) => {
    // Print a finished line above the live block.
    let out = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (let i = 0; i < drawn; i++) out += "\x1b[2K\n";
    if (drawn > 0) out += `\x1b[${drawn}A`;
    drawn = 0;
    stream.write(`${out}${line}\n`);
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    onEvent(event) {
      switch (event.kind) {
        case "cached":
          above(`  ${event.role.padEnd(16)} cached`);
          break;
        case "start":
          active.set(event.role, { since: performance.now(), text: "starting" });
          break;
        case "step": {
          const s = active.get(event.role);
          if (s) s.text = stepText(event);
          break;
        }
        case "built":
          active.delete(event.role);
          above(`  ${event.role.padEnd(16)} built in ${seconds(event.ms)}`);
          break;
        case "failed":
          active.delete(event.role);
          above(`  ${event.role.padEnd(16)} FAILED`);
          break;
        case "skipped":
          above(`  ${event.role.padEnd(16)} skipped (${event.because} failed)`);
          break;
      }
      draw();
    },
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** The closing table: role, tag, size, build time. */
export function resultTable(results: readonly ImageResult[]): string {
  const rows = [
    ["role", "tag", "size", "build"],
    ...results.map((r) => [r.role, r.tag, megabytes(r.sizeBytes), r.status === "cached" ? "cached" : seconds(r.ms)]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows as [string[], ...string[][]];
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
