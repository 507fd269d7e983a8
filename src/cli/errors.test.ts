import { describe, expect, it } from "vitest";
import { UserError, formatError } from "./errors.js";

describe("CLI errors", () => {
  it("prints a user error as message, details and hint, without a stack", () => {
    const text = formatError(new UserError("no engine", { hint: "start one", details: "log tail" }));
    expect(text).toBe("brownout: no engine\nlog tail\nhint: start one");
    expect(text).not.toMatch(/\n\s+at /);
  });

  it("marks anything else as unexpected and keeps the stack out unless asked", () => {
    const text = formatError(new TypeError("boom"));
    expect(text).toContain("unexpected error: boom");
    expect(text).not.toMatch(/\n\s+at /);
  });
});
