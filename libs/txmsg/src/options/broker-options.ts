/** Broker connection and topology. */
export interface TxMsgBrokerOptions {
  /**
   * AMQP URI; a vhost in the path isolates an environment. For a cluster, every node's URI: the
   * library connects to the first that answers and moves on to the next when its node goes away.
   */
  uri: string | string[];
  /** Topic exchange every integration event is published to. Default `txmsg.events`. */
  exchange?: string;
  /**
   * Unacknowledged deliveries per consumer channel. Default 50. With `messages.maxBytes` it bounds
   * what a consumer holds: `prefetch × messages.maxBytes` must fit `messages.inFlightBudgetBytes`.
   */
  prefetch?: number;
  /**
   * Queue type for the queues the library declares (retry parking is in the database).
   * `quorum` replicates across a RabbitMQ cluster; default `classic`.
   */
  queueType?: 'classic' | 'quorum';
  /** How long start-up waits for the broker before failing. Default 30 s. */
  connectTimeoutMs?: number;
}
