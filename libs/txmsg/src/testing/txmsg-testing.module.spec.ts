import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Socket } from 'node:net';
import { Idempotent } from '../consumer/idempotent.decorator';
import { OnIntegrationEvent } from '../consumer/on-integration-event.decorator';
import { UnrecoverableMessageError } from '../consumer/poison-message';
import { OnTxMsgFailure } from '../failure-hooks/on-txmsg-failure.decorator';
import type { TxMsgFailureEvent } from '../failure-hooks/failure-event';
import { IntegrationEvent } from '../outbox/integration-event.decorator';
import { Outbox, OutsideTransactionError } from '../outbox/outbox';
import { TxMsgTestHarness, TxMsgTestingModule } from './index';

@IntegrationEvent('shop.order.placed', { orderingKey: 'orderId' })
class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly amount: string,
  ) {}
}

@IntegrationEvent('shop.order.cancelled')
class OrderCancelled {
  constructor(readonly orderId: string) {}
}

class TransientError extends Error {}

@Injectable()
class OrderService {
  constructor(
    private readonly outbox: Outbox,
    readonly txHost: TransactionHost,
  ) {}

  @Transactional()
  async place(orderId: string, fail = false): Promise<void> {
    await this.outbox.publish(new OrderPlaced(orderId, '10.00'), { headers: { 'x-tenant': 'acme' } });
    if (fail) throw new Error('the order row could not be written');
  }

  /** Not transactional: the outbox refuses it. */
  async placeCarelessly(orderId: string): Promise<void> {
    await this.outbox.publish(new OrderPlaced(orderId, '1.00'));
  }
}

/** Fails the first delivery of each order, then applies it; what it sends rolls back with a failure. */
@Injectable()
class InvoiceOnOrderPlaced {
  readonly runs: string[] = [];
  readonly invoiced: string[] = [];

  constructor(private readonly outbox: Outbox) {}

  // No queue: the default one, which its retries go back to.
  @OnIntegrationEvent(OrderPlaced, { key: 'orderId' })
  async handle(payload: OrderPlaced): Promise<void> {
    expect(payload).toBeInstanceOf(OrderPlaced);
    this.runs.push(payload.orderId);
    await this.outbox.publish(new OrderCancelled(`sent-by-run-${this.runs.length}`));
    if (this.runs.filter((id) => id === payload.orderId).length === 1) throw new TransientError('database busy');
    this.invoiced.push(payload.orderId);
  }
}

/** Never succeeds: retried on its own ladder of three attempts, then parked. */
@Injectable()
class AuditOnAnyShopEvent {
  readonly runs: string[] = [];

  @Idempotent({ retry: { ladder: ['1h'], maxAttempts: 3, retryOn: [TransientError] } })
  @RabbitSubscribe({ routingKey: 'shop.#', queue: 'shop.audit' })
  async handle(payload: { orderId: string }): Promise<void> {
    this.runs.push(payload.orderId);
    if (payload.orderId === 'bad') throw new Error('not a transient error');
    throw new TransientError('audit store down');
  }
}

/** Only cancellations, by a one-word wildcard. */
@Injectable()
class RefundOnCancel {
  readonly refunded: string[] = [];

  @Idempotent({ key: 'orderId' })
  @RabbitSubscribe({ routingKey: 'shop.*.cancelled', queue: 'shop.refund-on-cancel' })
  async handle(payload: { orderId: string }): Promise<void> {
    if (payload.orderId === 'poison') throw new UnrecoverableMessageError('no such order');
    this.refunded.push(payload.orderId);
  }
}

@Injectable()
class ParkedAlert {
  readonly heard: TxMsgFailureEvent[] = [];

  @OnTxMsgFailure('parked')
  async alert(event: TxMsgFailureEvent): Promise<void> {
    this.heard.push(event);
  }
}

describe(TxMsgTestingModule.name, () => {
  let moduleRef: TestingModule;
  let harness: TxMsgTestHarness;
  let orders: OrderService;
  let connects: jest.SpyInstance;

  beforeEach(async () => {
    connects = jest.spyOn(Socket.prototype, 'connect');
    moduleRef = await Test.createTestingModule({
      imports: [TxMsgTestingModule.forRoot({ service: 'shop', retry: { ladderMs: [60_000, 600_000] } })],
      providers: [OrderService, InvoiceOnOrderPlaced, AuditOnAnyShopEvent, RefundOnCancel, ParkedAlert],
    }).compile();
    await moduleRef.init();
    harness = moduleRef.get(TxMsgTestHarness);
    orders = moduleRef.get(OrderService);
  });

  afterEach(async () => {
    await moduleRef.close();
    // Nothing was connected to: no database, no broker.
    expect(connects).not.toHaveBeenCalled();
    connects.mockRestore();
  });

  it('publishes a message once its transaction commits, with its headers and ordering key', async () => {
    await orders.place('o-1');
    await orders.place('o-2');

    expect(harness.published(OrderPlaced)).toEqual([
      expect.objectContaining({
        routingKey: 'shop.order.placed',
        payload: { orderId: 'o-1', amount: '10.00' },
        headers: { 'x-tenant': 'acme' },
        orderingKey: 'o-1',
        sequence: 1,
      }),
      expect.objectContaining({ payload: { orderId: 'o-2', amount: '10.00' } }),
    ]);
  });

  it('loads no database driver', () => {
    const drivers = Object.keys(require.cache).filter((path) => /node_modules[\\/](mysql2|pg)[\\/]/.test(path));
    expect(drivers).toEqual([]);
  });

  it('publishes nothing when the transaction rolls back', async () => {
    await expect(orders.place('o-1', true)).rejects.toThrow('could not be written');

    expect(harness.published()).toEqual([]);
    await harness.drain();
    expect(harness.consumed()).toEqual([]);
  });

  it('refuses a message written outside a transaction', async () => {
    await expect(orders.placeCarelessly('o-1')).rejects.toBeInstanceOf(OutsideTransactionError);
    expect(harness.published()).toEqual([]);
  });

  it('publishes nothing of a transaction still open, nor of a nested one that rolls back', async () => {
    const outbox = moduleRef.get(Outbox);
    await orders.txHost.withTransaction(async () => {
      await outbox.publish(new OrderCancelled('kept'));
      await orders.txHost
        .withTransaction('NESTED' as never, async () => {
          await outbox.publish(new OrderCancelled('undone'));
          throw new Error('savepoint rolled back');
        })
        .catch(() => undefined);
      expect(harness.published()).toEqual([]);
    });

    expect(harness.published().map((m) => m.payload)).toEqual([{ orderId: 'kept' }]);
  });

  it('retries a failing first delivery and applies it once; what the failed run sent rolls back with it', async () => {
    await orders.place('o-1');
    await harness.drain();

    const invoices = moduleRef.get(InvoiceOnOrderPlaced);
    expect(invoices.runs).toEqual(['o-1', 'o-1']);
    expect(invoices.invoiced).toEqual(['o-1']);
    expect(harness.consumed(InvoiceOnOrderPlaced).map((m) => [m.attempt, m.outcome])).toEqual([
      [0, 'retry'],
      [1, 'applied'],
    ]);
    // Only the run that committed sent its message.
    expect(harness.published(OrderCancelled).map((m) => m.payload)).toEqual([{ orderId: 'sent-by-run-2' }]);
    expect(harness.consumed(InvoiceOnOrderPlaced)[0].queue).toBe('shop.InvoiceOnOrderPlaced.handle');
    expect(harness.failed(InvoiceOnOrderPlaced)).toEqual([]);
  });

  it('absorbs a replayed duplicate: the handler does not run again', async () => {
    await harness.deliver(OrderCancelled, { orderId: 'o-9' }, { messageId: 'm-1' });
    await harness.deliver(OrderCancelled, { orderId: 'o-9' }, { messageId: 'm-1' });
    // The same dedup key in another message is the same fact.
    await harness.deliver(OrderCancelled, { orderId: 'o-9' }, { messageId: 'm-2' });

    expect(moduleRef.get(RefundOnCancel).refunded).toEqual(['o-9']);
    expect(harness.consumed(RefundOnCancel).map((m) => m.outcome)).toEqual(['applied', 'duplicate', 'duplicate']);
  });

  it('parks another body under a dedup key already applied, as a conflict', async () => {
    await harness.deliver('shop.order.cancelled', { orderId: 'o-9' });
    await harness.deliver('shop.order.cancelled', { orderId: 'o-9', reason: 'changed' });

    expect(harness.consumed(RefundOnCancel).map((m) => m.outcome)).toEqual(['applied', 'conflict']);
    expect(harness.parked(RefundOnCancel)).toEqual([expect.objectContaining({ reason: 'CONFLICT' })]);
  });

  it("parks a message after its consumer's maxAttempts, and tells the failure hooks", async () => {
    await harness.deliver('shop.order.shipped', { orderId: 'o-1' }, { messageId: 'm-audit' });

    const audit = moduleRef.get(AuditOnAnyShopEvent);
    expect(audit.runs).toEqual(['o-1', 'o-1', 'o-1']);
    expect(harness.parked(AuditOnAnyShopEvent)).toEqual([
      expect.objectContaining({ messageId: 'm-audit', reason: 'EXHAUSTED', attempts: 3 }),
    ]);
    expect(moduleRef.get(ParkedAlert).heard).toEqual([
      expect.objectContaining({ outcome: 'exhausted', messageId: 'm-audit', consumer: 'AuditOnAnyShopEvent.handle' }),
    ]);
  });

  it('parks at once an error the consumer does not retry, and an UnrecoverableMessageError', async () => {
    await harness.deliver('shop.order.shipped', { orderId: 'bad' });
    await harness.deliver(OrderCancelled, { orderId: 'poison' });

    expect(moduleRef.get(AuditOnAnyShopEvent).runs.filter((id) => id === 'bad')).toEqual(['bad']);
    expect(harness.parked(AuditOnAnyShopEvent)).toContainEqual(
      expect.objectContaining({ reason: 'NOT_RETRIED', attempts: 1 }),
    );
    expect(harness.parked(RefundOnCancel)).toEqual([expect.objectContaining({ reason: 'UNRECOVERABLE', attempts: 1 })]);
  });

  it('parks a body that is not JSON without running any handler', async () => {
    await harness.deliver(OrderCancelled, 'not json');

    expect(moduleRef.get(RefundOnCancel).refunded).toEqual([]);
    expect(harness.parked(RefundOnCancel)).toEqual([expect.objectContaining({ reason: 'POISON' })]);
  });

  it('delivers by topic pattern: # and * match as RabbitMQ matches them', async () => {
    await harness.deliver('shop.order.cancelled', { orderId: 'c-1' });
    await harness.deliver('shop.order.line.cancelled', { orderId: 'c-2' });
    await harness.deliver('other.order.cancelled', { orderId: 'c-3' });

    const consumers = (routingKey: string) =>
      harness
        .consumed()
        .filter((m) => m.routingKey === routingKey && m.attempt === 0)
        .map((m) => m.consumer)
        .sort();
    expect(consumers('shop.order.cancelled')).toEqual(['AuditOnAnyShopEvent.handle', 'RefundOnCancel.handle']);
    expect(consumers('shop.order.line.cancelled')).toEqual(['AuditOnAnyShopEvent.handle']);
    expect(consumers('other.order.cancelled')).toEqual([]);
  });
});
