import { PassThrough, Readable } from "node:stream";
import { dockerClient } from "../images/engine.js";

/**
 * A non-TTY container's output (logs, exec) as text: Docker multiplexes stdout and stderr in 8-byte-headed
 * frames, which dockerode's own demultiplexer splits; both are kept, in order of arrival.
 */
export async function demuxedText(output: NodeJS.ReadableStream | Buffer): Promise<string> {
  const source = Buffer.isBuffer(output) ? Readable.from([output]) : output;
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
