import { describe, expect, it } from "vitest";
import { parseDeb822, parseSourcesList, pickMirrors } from "./host-config.js";

describe("host apt sources", () => {
  it("reads one-line sources, ignoring comments and options", () => {
    const entries = parseSourcesList(
      [
        "# deb http://old.example/debian bookworm main",
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib",
        "deb-src http://mirror.example/debian bookworm main",
        "deb http://sec.example/debian-security bookworm-security main",
      ].join("\n"),
    );
    expect(entries).toEqual([
      { uri: "http://mirror.example/debian/", suites: ["bookworm"] },
      { uri: "http://sec.example/debian-security", suites: ["bookworm-security"] },
    ]);
    expect(pickMirrors(entries)).toEqual({
      aptMirror: "http://mirror.example/debian",
      aptSecurityMirror: "http://sec.example/debian-security",
    });
  });

  it("reads deb822 stanzas and skips disabled ones and deb-src", () => {
    const entries = parseDeb822(
      [
        "Types: deb",
        "URIs: http://mirror.example/debian",
        "Suites: bookworm bookworm-updates",
        "Components: main",
        "",
        "Types: deb-src",
        "URIs: http://src.example/debian",
        "Suites: bookworm",
        "",
        "Types: deb",
        "Enabled: no",
        "URIs: http://off.example/debian",
        "Suites: bookworm",
      ].join("\n"),
    );
    expect(entries).toEqual([{ uri: "http://mirror.example/debian", suites: ["bookworm", "bookworm-updates"] }]);
  });

  it("finds no mirror when the host serves another release only", () => {
    const entries = parseSourcesList("deb http://mirror.example/debian trixie main\n");
    expect(pickMirrors(entries)).toEqual({ aptMirror: undefined, aptSecurityMirror: undefined });
  });
});
