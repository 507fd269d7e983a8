import { afterEach, describe, expect, it, vi } from "vitest";
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

  describe("with BROWNOUT_DEBUG=1", () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it("prints the cause's stack under a user error (a config that does not load)", () => {
      vi.stubEnv("BROWNOUT_DEBUG", "1");
      const cause = new SyntaxError("Unexpected token 'export'");
      const text = formatError(new UserError("cannot load brownout.config.ts: Unexpected token 'export'", { cause, hint: "set BROWNOUT_DEBUG=1 for the stack trace" }));
      expect(text).toContain("caused by: SyntaxError: Unexpected token 'export'");
      expect(text).toMatch(/\n\s+at /);
      expect(text).not.toContain("set BROWNOUT_DEBUG=1");
    });

    it("prints an unexpected error's stack and its causes", () => {
      vi.stubEnv("BROWNOUT_DEBUG", "1");
      const text = formatError(new Error("outer", { cause: new RangeError("inner") }));
      expect(text).toContain("unexpected error: outer");
      expect(text).toContain("caused by: RangeError: inner");
    });

    it("BROWNOUT_DEBUG=0 is off", () => {
      vi.stubEnv("BROWNOUT_DEBUG", "0");
      expect(formatError(new UserError("x", { cause: new Error("y") }))).toBe("brownout: x");
    });
  });
});
