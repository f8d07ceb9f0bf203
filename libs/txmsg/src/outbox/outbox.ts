import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { OutboxStore } from '../store/outbox-store';
import { type DelayOptions, delayOf } from './delay';
import { orderingKeyOf, routingKeyOf } from './integration-event.decorator';
import type { OutgoingMessage } from './outbox-message';
import { OutboxWriter } from './outbox-writer';

export { CORRELATION_ID, type OutgoingMessage } from './outbox-message';
export { MessageTooLargeError } from './message-too-large.error';
export { OutsideTransactionError } from './outside-transaction.error';
export { type DelayOptions, InvalidDelayError, MAX_DELAY_MS } from './delay';

/**
 * The transactional outbox (eBay's local message table). `add` and `publish` write the message
 * in the **ambient** transaction (`@Transactional()` or `TransactionHost.withTransaction`), so it
 * commits or rolls back with the business change; it is published right after the commit, or,
 * given a delay or a due time ({@link DelayOptions}), once due: a delayed message is held in the
 * outbox table (never at the broker) until then, survives restarts of producer and broker, and
 * can be {@link cancel}led while it waits.
 *
 * Transaction contract: must be called inside an open transaction, else
 * {@link OutsideTransactionError}; never opens one itself. A payload whose JSON is larger than
 * `messages.maxBytes` (default 1 MiB) throws {@link MessageTooLargeError} and writes nothing; an
 * invalid delay (negative, both options, over 366 days ahead, or beside an ordering key) throws
 * {@link InvalidDelayError} and writes nothing.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly writer: OutboxWriter,
    private readonly store: OutboxStore,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** Adds a message, delayed if given `delayMs` or `dueAt`; returns its id. */
  async add<T>(message: OutgoingMessage<T> & DelayOptions): Promise<string> {
    const dueInMs = delayOf(message);
    if (dueInMs === undefined) return this.writer.write(message, 'READY');
    const { delayMs: _delayMs, dueAt: _dueAt, ...undelayed } = message;
    return this.writer.write(undelayed, 'SCHEDULED', undefined, dueInMs);
  }

  /**
   * Cancels a delayed message that is not yet due; returns whether it did. False for a message
   * that is due already (being published, or published), was not delayed, was cancelled before,
   * or is unknown. Inside a transaction the cancel is part of it (undone if it rolls back, and
   * holding the message back from release until it ends); outside one it is a statement of its own.
   */
  async cancel(messageId: string): Promise<boolean> {
    const on = this.txHost.isTransactionActive() ? this.txHost.tx : undefined;
    return this.store.cancelScheduled(messageId, on);
  }

  /** Adds an {@link IntegrationEvent} instance, routed by its decorator; returns the message id. */
  async publish(
    event: object,
    options: Omit<OutgoingMessage, 'routingKey' | 'payload'> & DelayOptions = {},
  ): Promise<string> {
    const routingKey = routingKeyOf(event);
    if (!routingKey) {
      throw new Error(`${event.constructor.name} is not decorated with @IntegrationEvent(routingKey)`);
    }
    const orderingKey = options.orderingKey ?? orderingKeyOf(event);
    return this.add({
      ...options,
      routingKey,
      payload: { ...event },
      ...(orderingKey !== undefined && { orderingKey }),
    });
  }
}
