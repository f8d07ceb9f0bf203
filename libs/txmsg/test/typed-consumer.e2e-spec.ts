import { Injectable, type INestApplication, Module } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import {
  IntegrationEvent,
  type MessageContext,
  OnIntegrationEvent,
  TXMSG_METRICS_REGISTRY,
  validateMessage,
} from '../src';
import { waitFor } from '../src/testing';
import { startTestApp } from './support/app';
import { EXCHANGE } from './support/fixtures';
import { createTestDatabase, createVhost, sql } from './support/infra';
import { BrokerProbe } from './support/probe';

const ORDER_PLACED = 'shop.order.placed';
const DEFAULT_QUEUE = 'test-svc.TypedOrderConsumer.onPlaced';
const UNTYPED_QUEUE = 'test.orders-untyped';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The one class of the message: producer payload, validation and the consumer's type at once. */
@IntegrationEvent(ORDER_PLACED)
class OrderPlaced {
  @IsUUID()
  orderId: string;

  @IsInt()
  @Min(1)
  quantity: number;

  /** Makes the typed handler fail its first delivery. */
  @IsOptional()
  @IsBoolean()
  failFirst?: boolean;
}

@Injectable()
class TypedOrderConsumer {
  readonly typed: Array<{ event: OrderPlaced; ctx: MessageContext; isInstance: boolean }> = [];
  readonly untyped: OrderPlaced[] = [];

  @OnIntegrationEvent(OrderPlaced, { key: 'orderId' })
  async onPlaced(event: OrderPlaced, ctx: MessageContext): Promise<void> {
    this.typed.push({ event, ctx, isInstance: event instanceof OrderPlaced });
    if (event.failFirst && ctx.attempt === 1) throw new Error(`the stock service is down for ${event.orderId}`);
  }

  // The form from before typed handlers: the payload as `unknown`, validated by the handler.
  @OnIntegrationEvent(OrderPlaced, { queue: UNTYPED_QUEUE, key: 'orderId' })
  async onPlacedUntyped(payload: unknown): Promise<void> {
    this.untyped.push(validateMessage(OrderPlaced, payload));
  }
}

@Module({ providers: [TypedOrderConsumer] })
class TypedOrderModule {}

describe('Typed consumers (@OnIntegrationEvent handing the event class and its context)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let app: INestApplication;
  let probe: BrokerProbe;
  let consumer: TypedOrderConsumer;

  beforeAll(async () => {
    db = await createTestDatabase('typed');
    vhost = await createVhost('typed');
    app = await startTestApp({ database: db.name, uri: vhost.uri, modules: [TypedOrderModule] });
    consumer = app.get(TypedOrderConsumer);
    probe = await BrokerProbe.open(vhost.uri);
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await vhost.remove();
    await db.drop();
  });

  const publish = (body: object, messageId: string, headers: Record<string, unknown> = {}) =>
    probe.publish(EXCHANGE, ORDER_PLACED, body, { messageId, appId: 'shop', type: ORDER_PLACED, headers });
  const calls = (orderId: string) => consumer.typed.filter((call) => call.event.orderId === orderId);
  const failureRows = (messageId: string) =>
    sql<Array<{ consumer: string; status: string; reason: string | null; attempts: number; last_error: string }>>(
      'SELECT consumer, status, reason, attempts, last_error FROM txmsg_inbox_failure WHERE message_id = ?',
      [messageId],
      db.name,
    );

  it('hands the handler an instance of the event class and the context of its delivery', async () => {
    const orderId = randomUUID();
    const publishedAt = new Date(Date.UTC(2026, 11, 7, 9, 30, 0, 250));
    await publish({ orderId, quantity: 3 }, 'typed-1', {
      'x-txmsg-time': publishedAt.getTime(),
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    });
    await waitFor(() => calls(orderId).length === 1, { description: 'the typed handler ran' });
    const [{ event, ctx, isInstance }] = calls(orderId);
    expect(isInstance).toBe(true);
    expect(event).toEqual({ orderId, quantity: 3 });
    expect(ctx).toMatchObject({
      messageId: 'typed-1',
      attempt: 1,
      routingKey: ORDER_PLACED,
      publishedAt,
      traceId: TRACE_ID,
      source: 'shop',
      consumer: 'TypedOrderConsumer.onPlaced',
      dedupKey: orderId,
    });
    expect(ctx.headers.traceparent).toBe(`00-${TRACE_ID}-00f067aa0ba902b7-01`);
  });

  it('consumes from the default queue <service>.<Class>.<method> when none is given', async () => {
    await expect(probe.queueDepth(DEFAULT_QUEUE)).resolves.toBe(0);
    await expect(probe.queueDepth(UNTYPED_QUEUE)).resolves.toBe(0);
  });

  it('counts attempts: 2 on the retry after a failing first delivery, which keeps its routing key', async () => {
    const orderId = randomUUID();
    await publish({ orderId, quantity: 1, failFirst: true }, 'typed-retry');
    await waitFor(() => calls(orderId).length === 2, { timeoutMs: 15_000, description: 'the retry ran' });
    expect(calls(orderId).map(({ ctx }) => [ctx.attempt, ctx.routingKey, ctx.messageId])).toEqual([
      [1, ORDER_PLACED, 'typed-retry'],
      [2, ORDER_PLACED, 'typed-retry'],
    ]);
    // Applied on the second attempt: its ladder entry is gone.
    await waitFor(async () => (await failureRows('typed-retry')).length === 0, { description: 'the entry resolved' });
  });

  it('absorbs another message with the same dedup key of the event', async () => {
    const orderId = randomUUID();
    await publish({ orderId, quantity: 2 }, 'typed-dup-1');
    await waitFor(() => calls(orderId).length === 1, { description: 'the first applied' });
    await publish({ orderId, quantity: 2 }, 'typed-dup-2');
    const registry = app.get<Registry>(TXMSG_METRICS_REGISTRY);
    const duplicates =
      /txmsg_consumer_messages_total\{consumer="TypedOrderConsumer\.onPlaced",outcome="duplicate"[^}]*\} 1\n/;
    await waitFor(async () => duplicates.test(await registry.metrics()), {
      description: 'the second acknowledged as a duplicate',
    });
    expect(await dedupRows(orderId)).toBe(1);
    expect(calls(orderId)).toHaveLength(1);
  });

  it('parks an invalid payload at once, without running either handler', async () => {
    await publish({ orderId: 'not-a-uuid', quantity: 0 }, 'typed-invalid');
    await waitFor(async () => (await failureRows('typed-invalid')).length === 2, {
      description: 'both consumers parked it',
    });
    for (const row of await failureRows('typed-invalid')) {
      expect(row).toMatchObject({ status: 'PARKED', reason: 'UNRECOVERABLE', attempts: 1 });
      expect(row.last_error).toContain('invalid OrderPlaced: orderId must be a UUID');
    }
    expect(consumer.typed.filter((call) => call.event.orderId === 'not-a-uuid')).toEqual([]);
    expect(consumer.untyped.filter((event) => event.orderId === 'not-a-uuid')).toEqual([]);
  });

  const dedupRows = async (orderId: string) =>
    (
      await sql<Array<{ n: number }>>(
        'SELECT COUNT(*) AS n FROM txmsg_dedup WHERE consumer = ? AND dedup_key = ?',
        ['TypedOrderConsumer.onPlaced', orderId],
        db.name,
      )
    )[0].n;
});
