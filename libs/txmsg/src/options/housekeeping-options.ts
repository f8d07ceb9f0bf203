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
