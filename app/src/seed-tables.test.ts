import { describe, expect, it } from "vitest";
import type { PostgresDep } from "./deps/postgres.js";
import { SeedTables } from "./seed-tables.js";

/** A database that takes every statement, or refuses every one: only the acknowledgement logic is under test. */
function db(name: "pg-write" | "pg-db2", up: boolean, seen: string[]): PostgresDep {
  return {
    name,
    query: (text: string) => {
      seen.push(`${name}: ${text.split(" ")[0] ?? ""}`);
      return up ? Promise.resolve([]) : Promise.reject(new Error(`${name} is down`));
    },
  } as unknown as PostgresDep;
}

describe("SeedTables (seed 001's write to both)", () => {
  it("writes every change to both databases", async () => {
    const seen: string[] = [];
    const t = new SeedTables(db("pg-write", true, seen), db("pg-db2", true, seen), "any", "gra");
    expect(await t.createItem("a", "v")).toEqual({ copies: ["pg-write", "pg-db2"], failed: {} });
    await t.writeSession("s", "d");
    expect(seen).toEqual(["pg-write: INSERT", "pg-db2: INSERT", "pg-write: INSERT", "pg-db2: INSERT"]);
  });

  it("any: acknowledges what one database took, and says which missed it", async () => {
    const t = new SeedTables(db("pg-write", true, []), db("pg-db2", false, []), "any", "gra");
    expect(await t.updateItem("a", "v")).toEqual({ copies: ["pg-write"], failed: { "pg-db2": "pg-db2 is down" } });
    const none = new SeedTables(db("pg-write", false, []), db("pg-db2", false, []), "any", "gra");
    await expect(none.createItem("a", "v")).rejects.toThrow(/pg-write is down/);
  });

  it("all: fails unless both took it (what one took stays: no compensation)", async () => {
    const seen: string[] = [];
    const t = new SeedTables(db("pg-write", true, seen), db("pg-db2", false, seen), "all", "gra");
    await expect(t.createItem("a", "v")).rejects.toThrow(/pg-db2 is down/);
    expect(seen).toContain("pg-write: INSERT");
  });

  it("one database: the first only", async () => {
    const seen: string[] = [];
    expect(await new SeedTables(db("pg-write", true, seen), null, "any", "gra").createItem("a", "v")).toEqual({ copies: ["pg-write"], failed: {} });
    expect(seen).toEqual(["pg-write: INSERT"]);
  });
});
