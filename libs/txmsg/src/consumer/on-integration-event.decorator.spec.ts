import { RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import type { ConsumeMessage } from 'amqplib';
import { IsUUID } from 'class-validator';
import { envelopeOf } from '../envelope';
import { IntegrationEvent } from '../outbox/integration-event.decorator';
import type { ConsumerRuntime } from './consumer-runtime';
import { DEFAULT_QUEUE } from './default-queue';
import type { IdempotentDelivery } from './idempotent-delivery';
import type { MessageContext } from './message-context';
import { OnIntegrationEvent } from './on-integration-event.decorator';
import { UnrecoverableMessageError } from './poison-message';
import { bindRuntime, IDEMPOTENT_HANDLER } from './runtime-binding';
import { validateMessage } from './validate-message';

const TX_NO = '0b7ad1a4-2a7e-4b8e-9d38-0c5c1f4e2f11';

@IntegrationEvent('bank1.transfer.started')
class TransferStarted {
  @IsUUID()
  txNo: string;
}

/** No validator decorators: transformed, never refused as an unknown value. */
@IntegrationEvent('bank1.transfer.noted')
class TransferNoted {
  txNo: string;
}

class Consumer {
  readonly calls: Array<{ event: unknown; ctx: MessageContext }> = [];

  @OnIntegrationEvent(TransferStarted, { queue: 'bank2.credit-on-transfer-started', key: 'txNo' })
  async handle(event: TransferStarted, ctx: MessageContext): Promise<void> {
    this.calls.push({ event, ctx });
  }

  @OnIntegrationEvent(TransferStarted, { key: (event, ctx) => `${event.txNo}@${ctx.source}` })
  async byFunction(event: TransferStarted, ctx: MessageContext): Promise<void> {
    this.calls.push({ event, ctx });
  }

  @OnIntegrationEvent(TransferNoted)
  async noted(event: TransferNoted, ctx: MessageContext): Promise<void> {
    this.calls.push({ event, ctx });
  }

  // The untyped form: the payload as `unknown`, validated by hand.
  @OnIntegrationEvent(TransferStarted, { key: 'txNo' })
  async untyped(payload: unknown): Promise<void> {
    this.calls.push({ event: validateMessage(TransferStarted, payload), ctx: undefined as never });
  }
}

/** Calls `method` as golevelup would and returns what it handed the runtime. */
async function deliver(method: keyof Consumer, payload: unknown, headers: Record<string, unknown> = {}) {
  const consumer = new Consumer();
  let delivery!: IdempotentDelivery;
  bindRuntime(consumer, {
    handle: async (d: IdempotentDelivery) => {
      delivery = d;
    },
  } as unknown as ConsumerRuntime);
  const message = {
    content: Buffer.from(JSON.stringify(payload)),
    fields: { exchange: 'txmsg.events', routingKey: 'bank1.transfer.started' },
    properties: { messageId: 'm1', appId: 'bank1', headers },
  } as unknown as ConsumeMessage;
  await (consumer[method] as (...args: unknown[]) => Promise<unknown>).call(consumer, payload, message, headers);
  const key = () => delivery.key!(delivery.payload, envelopeOf(message));
  return { consumer, delivery, key };
}

describe(OnIntegrationEvent.name, () => {
  it("subscribes on the event's routing key and makes the handler idempotent", () => {
    const handler = Consumer.prototype.handle;
    expect(Reflect.getMetadata(RABBIT_HANDLER, handler)).toMatchObject({
      type: 'subscribe',
      routingKey: 'bank1.transfer.started',
      queue: 'bank2.credit-on-transfer-started',
      exchange: undefined,
    });
    expect(Reflect.getMetadata(IDEMPOTENT_HANDLER, handler)).toBe('Consumer.handle');
    expect(Reflect.getMetadata(DEFAULT_QUEUE, handler)).toBeUndefined();
  });

  it('leaves the queue to be named at bootstrap when none is given', () => {
    expect(Reflect.getMetadata(RABBIT_HANDLER, Consumer.prototype.noted).queue).toBeUndefined();
    expect(Reflect.getMetadata(DEFAULT_QUEUE, Consumer.prototype.noted)).toBe(true);
  });

  it('hands the handler an instance of the event class and the context, keyed by its property', async () => {
    const { consumer, delivery, key } = await deliver('handle', { txNo: TX_NO }, { 'x-txmsg-attempt': 1 });
    expect(key()).toBe(TX_NO);
    await delivery.invoke();
    const [{ event, ctx }] = consumer.calls;
    expect(event).toBeInstanceOf(TransferStarted);
    expect(event).toEqual({ txNo: TX_NO });
    expect(ctx).toMatchObject({
      messageId: 'm1',
      attempt: 2,
      routingKey: 'bank1.transfer.started',
      source: 'bank1',
      consumer: 'Consumer.handle',
      dedupKey: TX_NO,
    });
  });

  it('keys by a function of the event and the context', async () => {
    const { consumer, delivery, key } = await deliver('byFunction', { txNo: TX_NO });
    expect(key()).toBe(`${TX_NO}@bank1`);
    await delivery.invoke();
    expect(consumer.calls[0].ctx.dedupKey).toBe(`${TX_NO}@bank1`);
  });

  it('refuses an invalid payload as unrecoverable when its key is read, so it is parked before anything runs', async () => {
    const { consumer, key } = await deliver('handle', { txNo: 'not-a-uuid' });
    expect(key).toThrow(UnrecoverableMessageError);
    expect(key).toThrow(/invalid TransferStarted: txNo must be a UUID/);
    expect(consumer.calls).toEqual([]);
  });

  it('refuses a payload that is not an object as unrecoverable', async () => {
    const { key } = await deliver('handle', ['an', 'array']);
    expect(key).toThrow(new UnrecoverableMessageError('TransferStarted must be a JSON object'));
  });

  it('transforms the event of a class without validator decorators, keyed by the message id', async () => {
    const { consumer, delivery } = await deliver('noted', { txNo: 'anything' });
    expect(delivery.key).toBeUndefined();
    await delivery.invoke();
    expect(consumer.calls[0].event).toBeInstanceOf(TransferNoted);
    expect(consumer.calls[0].ctx).toMatchObject({ attempt: 1, dedupKey: 'm1' });
  });

  it('keeps the untyped form working: the handler validates the payload itself', async () => {
    const { consumer, delivery } = await deliver('untyped', { txNo: TX_NO });
    await delivery.invoke();
    expect(consumer.calls[0].event).toBeInstanceOf(TransferStarted);
  });

  it('refuses a class that is not an integration event', () => {
    class NotAnEvent {}
    expect(() => OnIntegrationEvent(NotAnEvent, { queue: 'q' })).toThrow(
      '@OnIntegrationEvent: NotAnEvent is not marked with @IntegrationEvent',
    );
  });
});
