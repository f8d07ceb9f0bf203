/** Consumer retries: a failing handler gets the message again after each step, then it is parked. */
export interface TxMsgRetryOptions {
  /** Delays in ms. Default 1m,5m,10m,30m,1h,2h,5h,10h. */
  ladderMs?: number[];
  /** How often due retries are looked for. Default 1000 ms. */
  scanIntervalMs?: number;
}

/** How {@link Idempotent} consumers commit. */
export interface TxMsgConsumerOptions {
  /**
   * Group commit: the most deliveries of one consumer applied in one database transaction.
   * Deliveries that arrive while a transaction of their consumer runs wait for it and share the
   * next one, so under load many messages cost one commit; alone, a delivery is applied at once.
   * A batch in which a handler throws is rolled back and each of its deliveries runs again in a
   * transaction of its own, so a failing message never fails another. 1 turns it off. Default 50.
   */
  maxBatch?: number;
  /**
   * On shutdown, how long deliveries in flight may take to finish once the consumers are
   * cancelled; any still running then are delivered again by the broker. Default 5000 ms (keep it
   * below the host's own shutdown grace period).
   */
  drainTimeoutMs?: number;
}

/** Purging of what is no longer needed. */
export interface TxMsgHousekeepingOptions {
  /**
   * Keep published outbox rows, dedup rows, and delivered or failed notifications with their
   * attempts this long. Default 7 days; must exceed the whole ladder.
   */
  retentionMs?: number;
  /**
   * A retry sent back to its queue this long ago that has neither been handled nor failed again
   * is taken as lost (its queue purged or deleted, the broker lost it) and sent again. Default
   * 1 hour (half the retention if that is shorter); must be shorter than the retention, so a first
   * copy that turns up after all still finds its dedup row.
   */
  redispatchAfterMs?: number;
  /** Run every. Default 10 minutes. */
  intervalMs?: number;
  /** Rows per DELETE, so a purge never holds many locks. Default 500. */
  batchSize?: number;
}
