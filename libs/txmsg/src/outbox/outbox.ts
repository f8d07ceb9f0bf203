import { Injectable } from '@nestjs/common';
import { routingKeyOf } from './integration-event.decorator';
import type { OutgoingMessage } from './outbox-message';
import { OutboxWriter } from './outbox-writer';

export { CORRELATION_ID, type OutgoingMessage } from './outbox-message';
export { MessageTooLargeError } from './message-too-large.error';
export { OutsideTransactionError } from './outside-transaction.error';

/**
 * The transactional outbox (eBay's local message table). `add` and `publish` write the message
 * in the **ambient** transaction (`@Transactional()` or `TransactionHost.withTransaction`), so it
 * commits or rolls back with the business change; it is published right after the commit.
 *
 * Transaction contract: must be called inside an open transaction, else
 * {@link OutsideTransactionError}; never opens one itself. A payload whose JSON is larger than
 * `messages.maxBytes` (default 1 MiB) throws {@link MessageTooLargeError} and writes nothing.
 */
@Injectable()
export class Outbox {
  constructor(private readonly writer: OutboxWriter) {}

  /** Adds a message; returns its id. */
  async add<T>(message: OutgoingMessage<T>): Promise<string> {
    return this.writer.write(message, 'READY');
  }

  /** Adds an {@link IntegrationEvent} instance, routed by its decorator; returns the message id. */
  async publish(event: object, options: Omit<OutgoingMessage, 'routingKey' | 'payload'> = {}): Promise<string> {
    const routingKey = routingKeyOf(event);
    if (!routingKey) {
      throw new Error(`${event.constructor.name} is not decorated with @IntegrationEvent(routingKey)`);
    }
    return this.add({ ...options, routingKey, payload: { ...event } });
  }
}
