import { describe, expect, it } from "vitest";
import { DependencyError, call } from "./deps/dependency.js";

describe("call", () => {
  it("bounds a call that never answers and names the dependency (504)", async () => {
    const t0 = performance.now();
    const err = (await call("pg-read", 100, () => new Promise(() => undefined)).catch((e: unknown) => e)) as DependencyError;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(DependencyError);
    expect(err).toMatchObject({ status: 504, code: "dependency_timeout", dependency: "pg-read" });
  });

  it("maps a driver error to 503 and passes a value through", async () => {
    await expect(call("redis", 100, () => Promise.reject(new Error("ECONNREFUSED")))).rejects.toMatchObject({ status: 503, message: "redis: ECONNREFUSED" });
    await expect(call("mysql", 100, () => Promise.resolve(7))).resolves.toBe(7);
  });

  it("tells a server's refusal (it did not apply the write) from a lost answer", async () => {
    const pgReadOnly = Object.assign(new Error("cannot execute INSERT in a read-only transaction"), { code: "25006" });
    const mysqlReadOnly = Object.assign(new Error("The MariaDB server is running with the --read-only option"), { errno: 1290 });
    for (const e of [new Error("NOREPLICAS Not enough good replicas to write."), new Error("EXECABORT Transaction discarded because of previous errors."), new Error("READONLY You can't write against a read only replica."), pgReadOnly, mysqlReadOnly]) {
      await expect(call("redis", 100, () => Promise.reject(e))).rejects.toMatchObject({ status: 503, code: "dependency_refused" });
    }
    await expect(call("redis", 100, () => Promise.reject(new Error("Connection is closed.")))).rejects.toMatchObject({ code: "dependency_unavailable" });
  });

  it("leaves a call unbounded at 0 (the test-only no-dep-timeout regression)", async () => {
    const slow = call("pg-write", 0, () => new Promise((resolve) => setTimeout(() => { resolve("late"); }, 150)));
    await expect(slow).resolves.toBe("late");
  });
});
