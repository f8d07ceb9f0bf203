/** Outbox relay: moves committed outbox rows to the broker. */
export interface TxMsgRelayOptions {
  /** Run the relay in this process. Default true. */
  enabled?: boolean;
  /** Rows claimed per round. Default 100. */
  batchSize?: number;
  /** Fallback poll when no local commit woke the relay. Default 1000 ms. */
  pollIntervalMs?: number;
  /** A publish not confirmed by the broker within this time counts as failed. Default 5000 ms. */
  publishTimeoutMs?: number;
  /** First delay after a failed publish (unroutable, nacked, timed out); doubles each time. Default 1000 ms. */
  retryBaseMs?: number;
  /** Ceiling of that delay. Default 30 000 ms. */
  retryMaxMs?: number;
  /**
   * Publish each message right after its transaction commits, from the process that wrote it;
   * the relay's poll then only catches what that missed (a crash, the broker down). Default true.
   */
  dispatchOnCommit?: boolean;
}
