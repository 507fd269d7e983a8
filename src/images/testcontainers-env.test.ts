import { describe, expect, it } from "vitest";
import { imageTag } from "./recipe-hash.js";
import { testcontainersEnv } from "./testcontainers-env.js";

describe("testcontainers environment", () => {
  it("points Ryuk at our image and a local engine's ports at loopback", () => {
    expect(testcontainersEnv({})).toEqual({ RYUK_CONTAINER_IMAGE: imageTag("ryuk"), TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1" });
  });

  it("leaves the host to testcontainers for a remote engine, and keeps what the user set", () => {
    expect(testcontainersEnv({ DOCKER_HOST: "tcp://10.1.2.3:2375" })).toEqual({ RYUK_CONTAINER_IMAGE: imageTag("ryuk") });
    expect(testcontainersEnv({ RYUK_CONTAINER_IMAGE: "mine:1", TESTCONTAINERS_HOST_OVERRIDE: "::1" })).toEqual({
      RYUK_CONTAINER_IMAGE: "mine:1",
      TESTCONTAINERS_HOST_OVERRIDE: "::1",
    });
  });
});
