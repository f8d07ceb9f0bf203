import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { IEvent, IEventPublisher } from '@nestjs/cqrs';
import { Logger } from '@nestjs/common';
import type { AfterCommitHook } from '../../transaction-hooks/after-commit-hook';
import type { TransactionHooks } from '../../transaction-hooks/transaction-hooks';
import { routingKeyOf } from '../integration-event.decorator';
import type { Outbox } from '../outbox';
import { OutsideTransactionError } from '../outside-transaction.error';

/** An integration event waiting for its transaction's commit to reach the in-process handlers. */
interface Committed {
  event: IEvent;
  dispatcherContext?: unknown;
  asyncContext?: unknown;
}

/**
 * The `EventBus` publisher that sends {@link IntegrationEvent}s to the outbox — the same row as
 * `Outbox.publish` — and, once their transaction has committed, to the in-process publisher it
 * wraps too, so the app's `@EventsHandler`s and sagas of them run; every other event goes to the
 * in-process publisher at once.
 *
 * Transaction contract: an integration event must be published inside a transaction, else
 * {@link OutsideTransactionError} is thrown at once and nothing of the call is published. The
 * write starts at once and the commit waits for it (a failed write fails the commit), because
 * `EventBus.publish` and `AggregateRoot.commit()` are not awaited by their callers. In-process
 * handlers see the event only after the outermost commit, with no transaction open (they may
 * start their own); never when the transaction, or the nested one that published it, rolls back.
 * A handler that throws is logged by the bus and changes nothing of the commit.
 */
export class IntegrationEventPublisher implements IEventPublisher {
  private readonly logger = new Logger('TxMsgCqrs');
  private readonly committed: AfterCommitHook<Committed>;

  constructor(
    private readonly inner: IEventPublisher,
    private readonly outbox: Outbox,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hooks: TransactionHooks,
  ) {
    this.committed = hooks.afterCommit<Committed>((items) => {
      // Out of the committed transaction's context: a handler's @Transactional() must open a new
      // transaction, not join the finished one.
      void this.txHost.withoutTransaction(async () => items.forEach((item) => this.publishInProcess(item)));
    });
  }

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
      this.committed.add(this.txHost.tx, { event, dispatcherContext, asyncContext });
      return written;
    });
  }

  private publishInProcess({ event, dispatcherContext, asyncContext }: Committed): void {
    try {
      this.inner.publish(event, dispatcherContext, asyncContext as never);
    } catch (error) {
      this.logger.error(`in-process handlers of ${event.constructor.name} failed after the commit: ${String(error)}`);
    }
  }
}
