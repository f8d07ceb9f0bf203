/** Broker connection and topology. */
export interface TxMsgBrokerOptions {
  /** AMQP URI; a vhost in the path isolates an environment. */
  uri: string;
  /** Topic exchange every integration event is published to. Default `txmsg.events`. */
  exchange?: string;
  /** Unacknowledged deliveries per consumer channel. Default 20. */
  prefetch?: number;
  /**
   * Queue type for the queues the library declares (retry parking is in the database).
   * `quorum` replicates across a RabbitMQ cluster; default `classic`.
   */
  queueType?: 'classic' | 'quorum';
  /** How long start-up waits for the broker before failing. Default 30 s. */
  connectTimeoutMs?: number;
}

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

/** RocketMQ-style check-back of transactional messages whose local outcome is UNKNOWN. */
export interface TxMsgCheckOptions {
  /** First check this long after the half message was written. Default 6000 ms (RocketMQ's transactionTimeout). */
  firstCheckAfterMs?: number;
  /** Interval between checks. Default 60 000 ms (RocketMQ's checkInterval). */
  intervalMs?: number;
  /** Checks before the message is discarded and recorded as exhausted. Default 15 (RocketMQ's checkMax). */
  maxChecks?: number;
  /** How often the checker looks for due messages. Default 1000 ms. */
  scanIntervalMs?: number;
}
