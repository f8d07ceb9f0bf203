/** How {@link Idempotent} consumers commit. */
export interface TxMsgConsumerOptions {
  /**
   * Group commit: the most deliveries of one consumer applied in one database transaction.
   * Up to two transactions of a consumer run at once; deliveries that arrive while both run wait
   * and share the next one, so under load many messages cost one commit; alone, a delivery is
   * applied at once.
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
  /**
   * A delivery whose outcome cannot be recorded in the database goes back to its queue, but not
   * forever: after this many tries while the database answered (it refused the row), it is
   * dead-lettered to the queue's broker-side parking queue (`<queue>.parked`), visible and
   * requeueable through the admin API (`/txmsg/dead-letters`). Default 3.
   */
  unrecordedTries?: number;
  /** As `unrecordedTries`, while the database does not answer at all: after this long. Default 10 minutes. */
  unrecordedForMs?: number;
}
