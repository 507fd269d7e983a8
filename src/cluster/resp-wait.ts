import { connect } from "node:net";
import type Dockerode from "dockerode";
import { type BoundPorts, type WaitStrategy, getContainerRuntimeClient } from "testcontainers";
import { until } from "./until.js";

/** One RESP PING over a fresh TCP connection: true on +PONG, false on anything else or within `timeoutMs` no answer. */
export function respPing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.on("connect", () => {
      socket.write("PING\r\n");
    });
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
    socket.on("error", () => {
      done(false);
    });
    socket.on("close", () => {
      done(false);
    });
  });
}

/**
 * Ready when the server at `port` answers PING (Redis and Sentinel both do), asked from the host through the
 * mapped port. Not an exec in the container (each costs a process start in the engine and in the container) and not
 * the log: testcontainers reads a restarted container's log from its StartedAt, and Redis prints its ready line
 * within milliseconds, sometimes stamped before that instant, so a heal would wait forever.
 */
export class RespPingWait implements WaitStrategy {
  #timeoutMs = 60_000;
  #timeoutSet = false;

  constructor(private readonly port: number) {}

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    const { host } = (await getContainerRuntimeClient()).info.containerRuntime;
    const mapped = boundPorts.getBinding(this.port);
    await until(`${container.id.slice(0, 12)} answering PING on ${String(this.port)}`, this.#timeoutMs, async () =>
      (await respPing(host, mapped)) ? true : undefined,
    );
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.#timeoutMs = startupTimeoutMs;
    this.#timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.#timeoutSet;
  }

  getStartupTimeout(): number {
    return this.#timeoutMs;
  }
}
