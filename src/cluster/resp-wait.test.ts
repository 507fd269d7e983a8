import { type AddressInfo, type Socket, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { respPing } from "./resp-wait.js";

/** A loopback server that answers every connection's first line with `reply` (or never, when null). */
async function fakeServer(reply: string | null): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => {
      if (reply !== null) socket.end(reply);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe("respPing", () => {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  const serve = async (reply: string | null) => {
    const s = await fakeServer(reply);
    open.push(s.close);
    return s.port;
  };

  it("is true on +PONG", async () => {
    expect(await respPing("127.0.0.1", await serve("+PONG\r\n"))).toBe(true);
  });

  it("is false on anything else: a server still loading, an error, a closed connection", async () => {
    expect(await respPing("127.0.0.1", await serve("-LOADING Redis is loading the dataset in memory\r\n"))).toBe(false);
    expect(await respPing("127.0.0.1", await serve(""))).toBe(false);
  });

  it("is false when nothing listens, and within its bound when nothing answers", async () => {
    const port = await serve(null);
    const t0 = performance.now();
    expect(await respPing("127.0.0.1", port, 100)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
    const closed = await fakeServer(null);
    await closed.close();
    expect(await respPing("127.0.0.1", closed.port)).toBe(false);
  });
});
