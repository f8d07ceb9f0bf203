/** CLS key under which the consumer runtime keeps the correlation id of the message being handled. */
export const CORRELATION_ID = 'txmsg.correlationId';

/** A message to add to the outbox. */
export interface OutgoingMessage<T = unknown> {
  /** Routing key on the library's topic exchange, `<service>.<noun>.<past-tense>`. */
  routingKey: string;
  /** JSON-serialisable payload. */
  payload: T;
  /** Message type; defaults to the routing key. */
  type?: string;
  /** Message id; a random UUID by default. Give one to make the write itself idempotent. */
  messageId?: string;
  /** Defaults to the correlation id of the message or request being handled. */
  correlationId?: string;
  /** Extra AMQP headers. */
  headers?: Record<string, string | number | boolean>;
  /**
   * Ordering key (an order id, an account number; up to 191 characters): consumers declared
   * `ordered` apply the messages of one key in the order their transactions committed here. The
   * key's sequence row stays locked until this transaction ends, so transactions writing to the
   * same key commit one after another.
   */
  orderingKey?: string;
}

export type { OutboxStatus } from '../store/outbox-rows';
