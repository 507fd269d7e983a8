import { describe, expect, it } from "vitest";
import { demuxedText } from "./docker-output.js";

/** One frame of Docker's multiplexed output: stream id (1 stdout, 2 stderr), three zero bytes, length, payload. */
const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe("container output", () => {
  it("demultiplexes stdout and stderr frames into text, in order", async () => {
    const out = await demuxedText(Buffer.concat([frame(1, "ready\n"), frame(2, "warning: x\n"), frame(1, "done\n")]));
    expect(out).toBe("ready\nwarning: x\ndone\n");
  });

  it("handles a long log (tens of thousands of frames, frames cut across slices) without overflowing the stack", async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `line ${String(i)}\n`));
    const out = await demuxedText(Buffer.concat(lines));
    expect(out.split("\n")).toHaveLength(50_001);
    expect(out.endsWith("line 49999\n")).toBe(true);
  });
});
