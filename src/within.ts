/**
 * `work`, or a rejection once `ms` have passed ("<what>: no answer within <ms> ms", or without the prefix), its
 * timer cleared either way. What `work` does meanwhile is not cancelled: the caller gives up on it.
 */
export function within<T>(work: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what ? `${what}: ` : ""}no answer within ${String(ms)} ms`));
    }, ms);
  });
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
  });
}
