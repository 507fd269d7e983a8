import { describe, expect, it } from "vitest";
import { classifyClientError } from "./data-probes.js";

const err = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("classifying a client's error", () => {
  it("a read that failed did nothing", () => {
    expect(classifyClientError(err("ECONNRESET"), "read").type).toBe("fail");
  });

  it("a write never sent did nothing; one cut after it was sent may have happened", () => {
    expect(classifyClientError(err("ECONNREFUSED"), "write").type).toBe("fail");
    expect(classifyClientError(new Error("Stream isn't writeable and enableOfflineQueue options is false"), "write").type).toBe("fail");
    expect(classifyClientError(err("ECONNRESET"), "write").type).toBe("info");
    expect(classifyClientError(new Error("Connection terminated unexpectedly"), "write").type).toBe("info");
  });

  it("a write the server refused outright did nothing", () => {
    expect(classifyClientError(err("23505", "duplicate key"), "write").type).toBe("fail");
    expect(classifyClientError(err("25006", "cannot execute INSERT in a read-only transaction"), "write").type).toBe("fail");
    expect(classifyClientError(new Error("READONLY You can't write against a read only replica."), "write").type).toBe("fail");
  });
});
