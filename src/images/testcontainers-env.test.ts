import { describe, expect, it } from "vitest";
import { imageTag } from "./recipe-hash.js";
import { publishAddress, testcontainersEnv } from "./testcontainers-env.js";

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

  it("publishes ports on loopback for a local engine; a remote engine's bind address is the user's to set", () => {
    expect(publishAddress({})).toBe("127.0.0.1");
    expect(publishAddress({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toBe("127.0.0.1");
    // An engine on this machine's loopback is local: its ports stay on loopback too; a remote one publishes on all.
    expect(publishAddress({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toBe("127.0.0.1");
    expect(publishAddress({ DOCKER_HOST: "tcp://10.0.0.5:2375" })).toBe("0.0.0.0");
    expect(publishAddress({ DOCKER_HOST: "tcp://10.0.0.5:2375", BROWNOUT_BIND_ADDRESS: "10.0.0.5" })).toBe("10.0.0.5");
    expect(publishAddress({ DOCKER_HOST: "tcp://127.0.0.1:2375", BROWNOUT_BIND_ADDRESS: "127.0.0.1" })).toBe("127.0.0.1");
  });
});
