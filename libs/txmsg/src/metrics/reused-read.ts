/**
 * `read` behind a reuse window: a call while a read runs joins it, and a call within
 * `intervalMs` after that read finished gets its result, so however often and however many at
 * once callers ask, `read` starts at most once per interval (counted from the end of the last
 * read, so a slow database also gets its breather). A read that came back with a failure is
 * reused like any other: a database in trouble is not asked again by every caller. `read` should
 * not reject; if it does, callers of that window share the rejection.
 */
export function reusedFor<T>(
  intervalMs: number,
  read: () => Promise<T>,
  now: () => number = Date.now,
): () => Promise<T> {
  let last: Promise<T> | undefined;
  let reusableUntil = 0;
  return () => {
    if (last === undefined || now() >= reusableUntil) {
      reusableUntil = Number.POSITIVE_INFINITY; // while it runs, every caller joins it
      last = read().finally(() => {
        reusableUntil = now() + intervalMs;
      });
    }
    return last;
  };
}
