import { UserError } from "../errors.js";

/** What went wrong in a build, as far as the log tells. */
export type BuildCause = "disk-full" | "apt-mirror" | "go-proxy" | "build-step";

const CAUSES: readonly { cause: Exclude<BuildCause, "build-step">; pattern: RegExp }[] = [
  { cause: "disk-full", pattern: /no space left on device|No space left/i },
  {
    cause: "apt-mirror",
    pattern:
      /Temporary failure resolving|Could not resolve '|Failed to fetch|Unable to connect to|Unable to locate package|Failed getting release file|Couldn't download|Release file .* is not valid yet/,
  },
  { cause: "go-proxy", pattern: /(reading|verifying) .*(proxy|sum)\.|(403 Forbidden|404 Not Found|410 Gone).*module|GOPROXY|dial tcp .*:443/ },
];

export function classify(log: string): { cause: BuildCause; line: string | undefined } {
  for (const { cause, pattern } of CAUSES) {
    const line = log.split("\n").find((l) => pattern.test(l));
    if (line) return { cause, line: line.trim() };
  }
  return { cause: "build-step", line: undefined };
}

/** A failed image build: the role, the step that failed, and the end of its log. */
export class BuildFailure extends UserError {
  readonly role: string;
  readonly step: string | undefined;
  readonly kind: BuildCause;
  readonly logPath: string;

  constructor(role: string, step: string | undefined, log: string, logPath: string, reason: string) {
    const { cause, line } = classify(`${log}\n${reason}`);
    const where = step ? ` at ${step}` : "";
    const headline: Record<BuildCause, string> = {
      "disk-full": `the disk is full: building ${role} failed${where} (${line ?? reason})`,
      "apt-mirror": `the Debian mirror did not serve a package while building ${role}${where}: ${line ?? reason}`,
      "go-proxy": `the Go module proxy did not serve a module while building ${role}${where}: ${line ?? reason}`,
      "build-step": `building ${role} failed${where}: ${reason}`,
    };
    const hints: Record<BuildCause, string> = {
      "disk-full": "free space: `npm run clean -- --images` removes Brownout's stale images, `docker system prune` the rest",
      "apt-mirror": "check the host's apt sources (Brownout builds from the mirror they name) and that `apt-get update` works on the host",
      "go-proxy": "check `go env GOPROXY GOSUMDB` on the host: builds use the same module proxy",
      "build-step": `full log: ${logPath}`,
    };
    // A cause we recognise gets one line; an unknown failure gets the log's last 40 lines to read.
    const details =
      cause === "build-step"
        ? `--- last 40 lines of ${logPath} ---\n${log.trimEnd().split("\n").slice(-40).join("\n")}`
        : undefined;
    super(headline[cause], { hint: cause === "build-step" ? hints[cause] : `${hints[cause]} (full log: ${logPath})`, ...(details ? { details } : {}) });
    this.name = "BuildFailure";
    this.role = role;
    this.step = step;
    this.kind = cause;
    this.logPath = logPath;
  }
}
