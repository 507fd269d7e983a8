import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type Docker from "dockerode";
import { UserError } from "../errors.js";
import { BuildFailure } from "./build-errors.js";
import type { HostSources } from "./host-config.js";
import { PINS } from "./pins.js";

export const ROOTFS_IMAGE = `localhost/brownout-rootfs:${PINS.debianRelease}`;
const SLIM_IMAGE = `debian:${PINS.debianRelease}-slim`;

export type RootfsSource = "present" | "pulled" | "debootstrap";

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err ?? out.find((e) => e.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
      else resolve();
    });
  });
}

/** A pull where a registry answers; a quick refusal (no DNS, no route) is the normal case in an air gap. */
async function tryPull(docker: Docker): Promise<boolean> {
  if (process.env.BROWNOUT_ROOTFS === "debootstrap") return false;
  try {
    await follow(docker, await docker.pull(SLIM_IMAGE));
    const [repo, tag] = ROOTFS_IMAGE.split(":") as [string, string];
    await docker.getImage(SLIM_IMAGE).tag({ repo, tag });
    return true;
  } catch {
    return false;
  }
}

function runLogged(cmd: string, args: readonly string[], logPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath, { flags: "a" });
    log.write(`$ ${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once("error", (e) => {
      log.end();
      reject(e);
    });
    child.once("close", (code) => {
      log.end(() => {
        if (code === 0) resolve();
        else reject(new Error(`${cmd} exited with ${code}`));
      });
    });
  });
}

/**
 * Makes sure the Debian rootfs image exists: debian:<release>-slim where a registry answers, else a
 * `debootstrap --variant=minbase` from the host's mirror, imported with the Engine API.
 */
export async function ensureRootfs(
  docker: Docker,
  host: HostSources,
  logPath: string,
  step: (text: string) => void,
): Promise<RootfsSource> {
  if (await imageExists(docker, ROOTFS_IMAGE)) return "present";
  step(`pull ${SLIM_IMAGE}`);
  if (await tryPull(docker)) return "pulled";

  if (!host.aptMirror) {
    throw new UserError(`no registry answers for ${SLIM_IMAGE} and the host's apt sources name no Debian ${PINS.debianRelease} mirror`, {
      hint: "add the Debian mirror to /etc/apt/sources.list(.d), or load a Debian image with `docker load`",
    });
  }
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new UserError(`no registry answers for ${SLIM_IMAGE}, and making a rootfs with debootstrap needs root`, {
      hint: "run `sudo npm run images` once, or `docker pull` the image where a registry answers",
    });
  }
  if (!existsSync("/usr/sbin/debootstrap")) {
    step("apt-get install debootstrap");
    try {
      await runLogged("apt-get", ["install", "-y", "--no-install-recommends", "debootstrap"], logPath);
    } catch (error) {
      const log = await readFile(logPath, "utf8").catch(() => "");
      throw new BuildFailure("base", "apt-get install debootstrap", log, logPath, String(error));
    }
  }
  const dir = await mkdtemp("/var/tmp/brownout-rootfs-");
  try {
    step(`debootstrap --variant=minbase ${PINS.debianRelease}`);
    await runLogged("debootstrap", ["--variant=minbase", PINS.debianRelease, dir, host.aptMirror], logPath);
    // debootstrap leaves its downloaded .debs and lists behind; they would ship in every image.
    await runLogged("sh", ["-c", `rm -rf "${dir}"/var/cache/apt/archives/*.deb "${dir}"/var/lib/apt/lists/*`], logPath);
    step("docker import rootfs");
    const tar = spawn("tar", ["-C", dir, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const [repo, tag] = ROOTFS_IMAGE.split(":") as [string, string];
    await follow(docker, await docker.importImage(tar.stdout, { repo, tag }));
    return "debootstrap";
  } catch (error) {
    if (error instanceof UserError) throw error;
    const log = await readFile(logPath, "utf8").catch(() => "");
    throw new BuildFailure("base", "rootfs (debootstrap)", log, logPath, error instanceof Error ? error.message : String(error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
