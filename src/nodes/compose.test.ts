import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { interpolate, nodesFromCompose, splitCommand } from "./compose.js";
import { tempDir } from "../../test/temp-dir.js";

const fixture = fileURLToPath(new URL("../../test/fixtures/echo-node/", import.meta.url));
const composeOf = (text: string) => {
  const file = join(tempDir("compose"), "docker-compose.yml");
  writeFileSync(file, text);
  return file;
};

describe("a stack from its compose file", () => {
  it("maps each service to a generic node named after it, under Brownout's rules", () => {
    process.env.CACHE_IMAGE = "localhost/cache:1";
    const [echo, cache] = nodesFromCompose(join(fixture, "docker-compose.yml"));
    expect(echo).toEqual({
      name: "echo",
      kind: "generic",
      settings: {
        build: { context: fixture.replace(/\/$/, "") },
        ports: [7000],
        environment: { MODE: "echo", EMPTY: "" },
        health: { command: `perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1:7000") ? 0 : 1)'` },
      },
    });
    expect(cache).toMatchObject({
      name: "cache",
      after: ["echo"],
      settings: {
        image: "localhost/cache:1",
        command: ["redis-server", "--port", "7001", "--save", ""],
        ports: [7001],
        capAdd: ["NET_ADMIN"],
        tmpfs: { "/run": "size=8m" },
        // The named volume is the container's own; the bind mount is mounted.
        volumes: [{ source: join(fixture, "echo.pl"), target: "/srv/echo.pl", readOnly: true }],
        health: { command: "redis-cli -p 7001 ping" },
      },
    });
  });

  it("runs a service by a kind of the team's own when it says so (x-brownout): its compose keys, the kind's settings on top", () => {
    const [counter] = nodesFromCompose(composeOf("services:\n  counter:\n    image: x\n    environment: { A: '1' }\n    depends_on: [db]\n    x-brownout:\n      kind: counter\n      settings: { persist: true }\n  db:\n    image: x\n"));
    expect(counter).toEqual({ name: "counter", kind: "counter", settings: { image: "x", environment: { A: "1" }, persist: true }, after: ["db"] });
    expect(() => nodesFromCompose(composeOf("services:\n  a:\n    x-brownout: counter\n"))).toThrow(/x-brownout must be \{ kind, settings\? \}/);
  });

  it("reads depends_on's conditions: service_healthy waits for the dependency's wait, service_started for its container; required: false lets a run leave it out", () => {
    const [lb] = nodesFromCompose(
      composeOf("services:\n  lb:\n    image: x\n    depends_on:\n      db: { condition: service_healthy }\n      web: { condition: service_started, required: false }\n      cache: {}\n"),
    );
    expect(lb).toMatchObject({ after: ["db"], afterStarted: ["web", "cache"], optionalAfter: ["web"] });
    expect(() => nodesFromCompose(composeOf("services:\n  lb:\n    image: x\n    depends_on:\n      db: { condition: service_completed_successfully }\n"))).toThrow(
      /depends_on.db: condition "service_completed_successfully" is not one Brownout runs; conditions: service_healthy, service_started/,
    );
    expect(() => nodesFromCompose(composeOf("services:\n  lb:\n    image: x\n    depends_on:\n      db: { condition: service_started, wait: 1 }\n"))).toThrow(/depends_on.db: unsupported key 'wait'; Brownout reads: condition, required, restart/);
    expect(() => nodesFromCompose(composeOf("services:\n  lb:\n    image: x\n    depends_on: db\n"))).toThrow(/depends_on must be a list of services or a mapping/);
  });

  it("reads anchors and merge keys (<<), as compose files share a service's settings", () => {
    const nodes = nodesFromCompose(composeOf("x-web: &web\n  image: web\n  environment: &env { DB: db }\nservices:\n  web1:\n    <<: *web\n    environment: { <<: *env, NAME: web1 }\n"));
    expect(nodes[0]).toEqual({ name: "web1", kind: "generic", settings: { image: "web", environment: { DB: "db", NAME: "web1" } } });
  });

  it("names what it maps and what it sets aside on an unsupported key", () => {
    expect(() => nodesFromCompose(composeOf("services:\n  a:\n    image: x\n    privileged: true\n"))).toThrow(/service 'a': unsupported key 'privileged'; mapped: image, build, .*; set aside by Brownout's rules: container_name, hostname, networks, restart/);
    expect(() => nodesFromCompose(composeOf("services:\n  a:\n    image: x\nsecrets: {}\n"))).toThrow(/unsupported top-level key 'secrets'/);
    expect(() => nodesFromCompose(composeOf("version: '3'\n"))).toThrow(/needs a 'services' mapping/);
    expect(() => nodesFromCompose(composeOf("services: [\n"))).toThrow(/cannot read compose file/);
    expect(() => nodesFromCompose(composeOf("services:\n  a:\n    image: x\n    healthcheck:\n      test: [\"CURL\"]\n"))).toThrow(/healthcheck.test must be/);
  });

  it("reads a service's profiles, and gives a kind only the compose keys the service has", () => {
    const [always, queue] = nodesFromCompose(composeOf("services:\n  db:\n    image: x\n  queue-01:\n    profiles: [queue]\n    x-brownout: { kind: rabbit, settings: { cookie: c } }\n"));
    expect(always).toEqual({ name: "db", kind: "generic", settings: { image: "x" } });
    expect(queue).toEqual({ name: "queue-01", kind: "rabbit", profiles: ["queue"], settings: { cookie: "c" } });
    expect(() => nodesFromCompose(composeOf("services:\n  a:\n    image: x\n    profiles: queue\n"))).toThrow(/service 'a': profiles must be a list of names/);
  });

  it("interpolates the environment as compose does", () => {
    const env = { A: "1", E: "" };
    expect(interpolate({ x: ["$A", "${A}", "${B:-two}", "${E:-three}", "${E-four}", "$$A", "${B}"] }, env)).toEqual({ x: ["1", "1", "two", "three", "", "$A", ""] });
  });

  it("splits a string command as compose does: on blanks, quotes grouping, no shell", () => {
    expect(splitCommand(`sh -c "echo 'a b'"  x ''`)).toEqual(["sh", "-c", "echo 'a b'", "x", ""]);
    expect(() => splitCommand(`echo "open`)).toThrow(/unbalanced quote/);
  });
});
