/** A transactional message as its listener sees it. */
export interface TransactionMessage<T = unknown> {
  /** Message id (AMQP `messageId`). */
  id: string;
  /** Routing key it will be published with. */
  destination: string;
  payload: T;
  /** The transactional group (producer group) it was sent in. */
  group: string;
  /** Check-backs made so far (0 during `execute`). */
  checkCount: number;
}
