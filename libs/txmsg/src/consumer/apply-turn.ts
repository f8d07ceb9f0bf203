/**
 * Lets one transaction of a consumer run its handlers at a time, while the others commit: a
 * transaction takes the turn before its first statement and gives it up once its handlers are
 * done, before its COMMIT. The next one thus applies while the previous one waits for its fsync
 * (the point of two lanes), yet two transactions of one consumer never both take row locks: one
 * that waits on a lock waits on a transaction that asks for no more, so they cannot deadlock
 * however their deliveries are ordered. That matters most on PostgreSQL, which only looks for
 * a deadlock after `deadlock_timeout` (1 s by default): batches crediting the same accounts in
 * opposite orders stalled a lane for a second each time.
 */
export class ApplyTurn {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves, once the turn is this caller's, to the function that gives it up (idempotent). */
  async take(): Promise<() => void> {
    const previous = this.tail;
    let giveUp!: () => void;
    this.tail = new Promise<void>((resolve) => (giveUp = resolve));
    await previous;
    return giveUp;
  }
}
