import type { QueueDepth } from './servers';

/** The RabbitMQ a test stack runs its services against: the machine's broker, or a cluster of its own. */
export interface BrokerTarget {
  /** The RABBITMQ_URL of `vhost`. */
  url(vhost: string): string;
  /** Creates `vhost` and gives guest every right on it. */
  addVhost(vhost: string): Promise<void>;
  /** Deletes `vhost` and everything in it; one that does not exist is no error. */
  deleteVhost(vhost: string): Promise<void>;
  /** The depth of every queue of `vhost`. */
  queueDepths(vhost: string): Promise<Record<string, QueueDepth>>;
}
