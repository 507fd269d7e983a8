import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/temp-dir.js";
import { editedFile } from "./edited-file.js";

describe("editedFile: a mutant's file, the design's with its edits", () => {
  const dir = tempDir("edited");
  const design = join(dir, "haproxy.cfg.tmpl");
  writeFileSync(design, "backend web\n  balance roundrobin\n  server web1 web1:80 check\n  server web2 web2:80 check\n");
  const mutant = { name: "balance-source", regression: "stickiness by source address" };

  it("applies each edit, names the mutant on the first line, keeps the file's extension, and gives the same content the same file", () => {
    const file = editedFile(design, mutant, [{ find: "  balance roundrobin\n", replace: "  balance source\n" }]);
    expect(file).toMatch(/balance-source-[0-9a-f]{12}\.cfg\.tmpl$/);
    expect(readFileSync(file, "utf8")).toBe("# MUTANT balance-source: stickiness by source address\nbackend web\n  balance source\n  server web1 web1:80 check\n  server web2 web2:80 check\n");
    expect(editedFile(design, mutant, [{ find: "  balance roundrobin\n", replace: "  balance source\n" }])).toBe(file);
    expect(readFileSync(design, "utf8")).toContain("balance roundrobin");
  });

  it("refuses an edit whose text is missing or there more than once", () => {
    expect(() => editedFile(design, mutant, [{ find: "  balance leastconn\n", replace: "" }])).toThrow(/mutant balance-source: its edit's text is in haproxy.cfg.tmpl 0 times, not once: " {2}balance leastconn"/);
    expect(() => editedFile(design, mutant, [{ find: " check\n", replace: "\n" }])).toThrow(/2 times, not once/);
  });
});
