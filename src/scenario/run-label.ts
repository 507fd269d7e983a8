/** A run's directory, result file and display name: `<scenario>[--<mutant>][-<repeat>]`. */
export function runLabel(name: string, repeat: number, mutant?: string): string {
  return `${name}${mutant ? `--${mutant}` : ""}${repeat > 0 ? `-${String(repeat + 1)}` : ""}`;
}
