/** The furthest ahead a message may be delayed: a year and a day. A later time is taken for a mistake (seconds for milliseconds, a wrong year). */
export const MAX_DELAY_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * When a message is to be published: after `delayMs`, or at `dueAt`; one of them at most. A
 * message given either is a delayed message: held in the outbox, published once due, and
 * cancellable until then (`Outbox.cancel`). A `dueAt` already past makes it due at once.
 */
export interface DelayOptions {
  /** Milliseconds from now (the database's clock), 0 to {@link MAX_DELAY_MS}. */
  delayMs?: number;
  /** The time it is due, at most {@link MAX_DELAY_MS} ahead. */
  dueAt?: Date;
}

/** A delay or due time that cannot be honoured; thrown before anything is written. */
export class InvalidDelayError extends Error {
  override name = 'InvalidDelayError';
}

/**
 * The delay of a message in milliseconds from `now`, or undefined when it has none. Pure.
 * `orderingKey` is refused beside a delay: a delayed message would overtake, or hold back, the
 * messages of its key written after it.
 * @throws InvalidDelayError for both options at once, a negative, non-finite or too long delay,
 * an invalid or too distant `dueAt`, or a delay together with an ordering key.
 */
export function delayOf(options: DelayOptions & { orderingKey?: unknown }, now = Date.now()): number | undefined {
  const { delayMs, dueAt } = options;
  if (delayMs === undefined && dueAt === undefined) return undefined;
  if (delayMs !== undefined && dueAt !== undefined) {
    throw new InvalidDelayError('give delayMs or dueAt, not both');
  }
  if (options.orderingKey !== undefined) {
    throw new InvalidDelayError('a delayed message cannot have an orderingKey: it would break the order of its key');
  }
  const ms = delayMs ?? dueMs(dueAt!, now);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidDelayError(`delayMs must be a finite number of milliseconds, 0 or more; got ${String(delayMs)}`);
  }
  if (ms > MAX_DELAY_MS) {
    const what = delayMs === undefined ? `dueAt ${dueAt!.toISOString()} is` : `delayMs ${delayMs} is`;
    throw new InvalidDelayError(`${what} more than 366 days ahead`);
  }
  return Math.round(ms);
}

function dueMs(dueAt: Date, now: number): number {
  if (!(dueAt instanceof Date) || Number.isNaN(dueAt.getTime())) {
    throw new InvalidDelayError('dueAt must be a valid Date');
  }
  return Math.max(0, dueAt.getTime() - now);
}
