/** One step of the fault method, as the dry run prints it: when (ms after the fault starts), what, on what. */
export interface TimelineStep {
  /** ms after the fault starts, or "end": at the end of the fault phase (whatever the profile makes it). */
  readonly atMs: number | "end";
  readonly action: string;
  readonly target: string;
}
