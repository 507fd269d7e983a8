import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient, REUSED_CONNECTION_CLOSED } from "./http-client.js";

/**
 * A keep-alive server the way Apache behaves at its limits, made deterministic: each connection answers its first
 * `answered` requests (keep-alive), then closes as the next request arrives, before any byte of an answer (the
 * race of KeepAliveTimeout and MaxKeepAliveRequests with a client's next request). `answered: 0` closes a fresh
 * connection at once: a server that dies, which nobody retries.
 */
async function closingServer(answered: number): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((socket: Socket) => {
    let served = 0;
    socket.on("data", (chunk) => {
      const heads = chunk.toString("latin1").split("\r\n\r\n").length - 1;
      for (let h = 0; h < heads; h++) {
        requests += 1;
        if (served >= answered) {
          socket.destroy();
          return;
        }
        served += 1;
        const body = JSON.stringify({ n: requests });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${String(body.length)}\r\nconnection: keep-alive\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${String(port)}`, server, requests: () => requests };
}

/** undici hands a connection back to its pool on the tick after the body's end: only then is it reused. */
const pooled = () => new Promise((resolve) => setImmediate(resolve));

describe("the probes' HTTP client retries as a browser does, and only then", () => {
  const open: { close: () => unknown }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it("sends an idempotent request again when its reused connection closes before any answer, and says so", async () => {
    const s = await closingServer(1);
    const http = new HttpClient();
    open.push(http, s.server);
    const first = await http.call("GET", `${s.url}/a`);
    expect(first.retried).toBeUndefined();
    await pooled();
    const second = await http.call("GET", `${s.url}/b`);
    expect(second.status).toBe(200);
    expect(second.retried).toBe(REUSED_CONNECTION_CLOSED);
    // The first connection's second request (closed), then the same request on a new connection.
    expect(s.requests()).toBe(3);
    await pooled();
    const put = await http.call("PUT", `${s.url}/c`, { body: { v: 1 } });
    expect(put.retried).toBe(REUSED_CONNECTION_CLOSED);
  });

  it("never sends a POST twice: its reused connection closing is the probe's error", async () => {
    const s = await closingServer(1);
    const http = new HttpClient();
    open.push(http, s.server);
    await http.call("POST", `${s.url}/a`, { body: {} });
    await pooled();
    await expect(http.call("POST", `${s.url}/b`, { body: {} })).rejects.toMatchObject({ code: "UND_ERR_SOCKET" });
    expect(s.requests()).toBe(2);
  });

  it("does not retry a fresh connection that closes without an answer: the server failed", async () => {
    const s = await closingServer(0);
    const http = new HttpClient();
    open.push(http, s.server);
    await expect(http.call("GET", `${s.url}/a`)).rejects.toMatchObject({ code: "UND_ERR_SOCKET" });
    expect(s.requests()).toBe(1);
  });
});
