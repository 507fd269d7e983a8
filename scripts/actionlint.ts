// `npm run actionlint`: checks .github/workflows with actionlint (pinned, built from source by the catalog), in a
// container of its own that gets the workflows copied in; exits with actionlint's code.
import "../src/images/testcontainers-setup.js";
import { join } from "node:path";
import { pack } from "tar-fs";
import { demuxedText } from "../src/cluster/docker-output.js";
import { runLabels } from "../src/cluster/labels.js";
import { runCli } from "../src/cli/errors.js";
import { dockerClient, ensureEngine } from "../src/images/engine.js";
import { ensureImages } from "../src/images/ensure-images.js";
import { plainProgress } from "../src/images/progress.js";
import { imageTag } from "../src/images/recipe-hash.js";
import { packageRoot } from "../src/paths.js";

await runCli(async () => {
  await ensureEngine();
  await ensureImages({ roles: ["actionlint"], onEvent: plainProgress((text) => process.stderr.write(text)) });
  const docker = dockerClient();
  const container = await docker.createContainer({ Image: imageTag("actionlint"), Cmd: ["-color"], WorkingDir: "/repo", Labels: runLabels("actionlint"), HostConfig: { NetworkMode: "none" } });
  try {
    const archive = pack(join(packageRoot(), ".github"), { map: (h) => ({ ...h, name: `.github/${h.name}` }) }) as unknown as NodeJS.ReadableStream;
    await container.putArchive(archive, { path: "/repo" });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const out = await demuxedText(await container.logs({ stdout: true, stderr: true, follow: false }));
    process.stdout.write(out || "actionlint: .github/workflows are valid\n");
    return StatusCode;
  } finally {
    await container.remove({ force: true });
  }
});
