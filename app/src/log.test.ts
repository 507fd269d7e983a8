import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LineLog } from "./log.js";

describe("LineLog", () => {
  it("writes every record as one JSON line, batched per event-loop turn", async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const log = new LineLog(out);
    for (let i = 0; i < 3; i++) log.write({ i });
    expect(chunks).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(chunks).toEqual(['{"i":0}\n{"i":1}\n{"i":2}\n']);
  });
});
