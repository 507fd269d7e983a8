import { randomBytes } from "node:crypto";

/** Every container and network the harness makes carries these, so a run's leftovers can always be found. */
export const RUN_LABEL = "brownout.run";
export const ROLE_LABEL = "brownout.role";

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/**
 * The id of this run: BROWNOUT_RUN_ID when a parent (the test runner's config, the CLI) set one, so all
 * worker processes of one run share it; otherwise made once per process and exported for children.
 */
export function runId(): string {
  const id = (process.env.BROWNOUT_RUN_ID ||= newRunId());
  return id;
}

export function runLabels(role: string, id: string = runId()): Record<string, string> {
  return { [RUN_LABEL]: id, [ROLE_LABEL]: role };
}
