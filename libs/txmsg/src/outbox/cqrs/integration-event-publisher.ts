import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { IEvent, IEventPublisher } from '@nestjs/cqrs';
import type { TransactionHooks } from '../../transaction-hooks/transaction-hooks';
import { routingKeyOf } from '../integration-event.decorator';
import type { Outbox } from '../outbox';
import { OutsideTransactionError } from '../outside-transaction.error';

/**
 * The `EventBus` publisher that sends {@link IntegrationEvent}s to the outbox — the same row as
 * `Outbox.publish` — and every other event to the in-process publisher it wraps.
 *
 * Transaction contract: an integration event must be published inside a transaction, else
 * {@link OutsideTransactionError} is thrown at once and nothing of the call is published. The
 * write starts at once and the commit waits for it (a failed write fails the commit), because
 * `EventBus.publish` and `AggregateRoot.commit()` are not awaited by their callers.
 */
export class IntegrationEventPublisher implements IEventPublisher {
  constructor(
    private readonly inner: IEventPublisher,
    private readonly outbox: Outbox,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hooks: TransactionHooks,
  ) {}

  publish<T extends IEvent>(event: T, dispatcherContext?: unknown, asyncContext?: unknown): unknown {
    return this.publishAll([event], dispatcherContext, asyncContext)[0];
  }

  publishAll<T extends IEvent>(events: T[], dispatcherContext?: unknown, asyncContext?: unknown): unknown[] {
    const integration = events.filter((event) => routingKeyOf(event) !== undefined);
    if (integration.length > 0 && !this.txHost.isTransactionActive()) {
      throw new OutsideTransactionError(
        `${integration[0].constructor.name} was published outside a transaction; publish integration events from a @Transactional() handler so they commit with the business change`,
      );
    }
    return events.map((event) => {
      if (!integration.includes(event)) return this.inner.publish(event, dispatcherContext, asyncContext as never);
      const written = this.outbox.publish(event);
      this.hooks.beforeCommit(this.txHost.tx, written);
      return written;
    });
  }
}
