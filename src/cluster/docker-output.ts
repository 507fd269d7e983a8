import { PassThrough, Readable } from "node:stream";
import { dockerClient } from "../images/engine.js";

function* slices(buffer: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/**
 * A non-TTY container's output (logs, exec) as text: Docker multiplexes stdout and stderr in 8-byte-headed
 * frames, which dockerode's own demultiplexer splits; both are kept, in order of arrival.
 */
export async function demuxedText(output: NodeJS.ReadableStream | Buffer): Promise<string> {
  // dockerode's demultiplexer recurses once per frame within a chunk: a whole log as one chunk (thousands of
  // lines) would overflow the stack, so a buffer is fed in slices (frames cut across slices are reassembled).
  const source = Buffer.isBuffer(output) ? Readable.from(slices(output, 16 * 1024)) : output;
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve, reject) => {
    source.on("end", resolve);
    source.on("error", reject);
    dockerClient().modem.demuxStream(source, sink, sink);
  });
  return Buffer.concat(chunks).toString("utf8");
}
