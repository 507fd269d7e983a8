import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UserError } from "../errors.js";

const exec = promisify(execFile);

/** Installs Debian packages (apt-get update, then install without recommends), saying each step as it goes. */
export async function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
    log(`brownout: apt-get ${args.join(" ")}`);
    try {
      await exec("apt-get", args, { env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const output = [(error as { stdout?: string }).stdout, (error as { stderr?: string }).stderr].filter(Boolean).join("\n");
      throw new UserError(`apt-get ${args[0] ?? ""} failed while installing ${packages.join(", ")}`, {
        details: output.trimEnd().split("\n").slice(-20).join("\n"),
        hint: "check the host's apt sources and that its Debian mirror answers (apt-get update)",
      });
    }
  }
}
