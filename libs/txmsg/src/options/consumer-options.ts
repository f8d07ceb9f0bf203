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
}
