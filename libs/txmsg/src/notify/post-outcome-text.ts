import type { PostOutcome } from './post-outcome';

/** The raw reason of a failed attempt, for the log: a status, or the socket error in the cause. */
export function describePostOutcome(outcome: PostOutcome): string {
  if (outcome.cause === undefined) return `status ${outcome.statusCode}`;
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const e = outcome.cause as Error & { code?: string; cause?: Cause };
  const cause = e.cause?.errors?.[0] ?? e.cause ?? e;
  if (cause.code && !cause.message?.includes(cause.code)) return `${cause.code} ${cause.message ?? ''}`.trim();
  return cause.message ?? String(outcome.cause);
}
