import { Nack } from '@golevelup/nestjs-rabbitmq';
import type { ConsumeMessage } from 'amqplib';
import { withDefaults } from '../txmsg.options';
import { ConsumerRuntime } from './consumer-runtime';
import type { IdempotentDelivery } from './idempotent-delivery';

describe(ConsumerRuntime.name, () => {
  const options = withDefaults({ service: 'svc', broker: { uri: 'amqp://localhost' }, consumer: { maxBatch: 1 } });
  const consumed: string[] = [];
  const metrics = {
    messageConsumed: (_: string, outcome: string) => consumed.push(outcome),
    batchCommitted: () => undefined,
  };
  const txHost = { withTransaction: (work: () => Promise<unknown>) => work(), tx: {} };
  const cls = { set: () => undefined };
  const dedup = { record: async () => 'fresh' };
  const parked: string[] = [];
  const failures = {
    databaseAnswers: async () => true,
    park: async (_: unknown, reason: string) => (parked.push(reason), reason),
  };
  const ordering = { block: jest.fn(async () => undefined) };
  const retries = {};
  const deadLetters = { has: () => true };

  function runtime(overrides: Partial<typeof metrics> = {}) {
    return new ConsumerRuntime(
      txHost as any,
      cls as any,
      dedup as any,
      failures as any,
      retries as any,
      deadLetters as any,
      { ...metrics, ...overrides } as any,
      options,
      ordering as any,
      { wake: () => undefined } as any,
    );
  }

  function delivery(invoke: () => Promise<unknown>): IdempotentDelivery {
    const message = {
      content: Buffer.from('{}'),
      fields: {},
      properties: { messageId: 'm1', headers: {} },
    } as unknown as ConsumeMessage;
    return { consumer: 'C.m', queue: 'q', payload: {}, message, invoke };
  }

  beforeEach(() => {
    consumed.splice(0);
    parked.splice(0);
    ordering.block.mockClear();
  });

  it('hands deliveries back to the queue, untouched, once it drains', async () => {
    const subject = runtime();
    await subject.drain(10);
    const invoke = jest.fn(async () => undefined);
    await expect(subject.handle(delivery(invoke))).resolves.toEqual(new Nack(true));
    expect(invoke).not.toHaveBeenCalled();
  });

  it('waits for deliveries in flight when it drains', async () => {
    const subject = runtime();
    let release!: () => void;
    const handled = subject.handle(delivery(() => new Promise<void>((resolve) => (release = resolve))));
    await new Promise((resolve) => setImmediate(resolve));
    const draining = subject.drain(5000);
    expect(subject.inFlightCount).toBe(1);
    release();
    await expect(draining).resolves.toBe(0);
    await expect(handled).resolves.toBeUndefined();
  });

  it('hands a delivery stuck past the drain back to the queue, so the shutdown goes on', async () => {
    const subject = runtime();
    const stuck = subject.handle(delivery(() => new Promise(() => undefined)));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(subject.drain(20)).resolves.toBe(1);
    await expect(stuck).resolves.toEqual(new Nack(true));
  });

  it('sends a delivery back to the queue, never rejects it, when something unforeseen fails', async () => {
    const subject = runtime();
    const malformed = delivery(async () => undefined);
    malformed.message = { content: Buffer.from('{}'), fields: {}, properties: {} } as unknown as ConsumeMessage; // no id, no routing key
    jest.useFakeTimers();
    try {
      const outcome = subject.handle(malformed);
      await jest.advanceTimersByTimeAsync(1000);
      await expect(outcome).resolves.toEqual(new Nack(true));
    } finally {
      jest.useRealTimers();
    }
    expect(consumed).toEqual(['requeued']);
  });

  it('dead-letters a delivery to its parking queue once its outcome could not be recorded three times', async () => {
    const subject = runtime();
    const malformed = delivery(async () => undefined);
    malformed.message = { content: Buffer.from('{}'), fields: {}, properties: {} } as unknown as ConsumeMessage;
    jest.useFakeTimers();
    try {
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        const outcome = subject.handle(malformed);
        await jest.advanceTimersByTimeAsync(1000);
        outcomes.push(await outcome);
      }
      expect(outcomes).toEqual([new Nack(true), new Nack(true), new Nack(false)]);
    } finally {
      jest.useRealTimers();
    }
    expect(consumed).toEqual(['requeued', 'requeued', 'dead_lettered']);
  });

  it('parks a delivery whose dedup key cannot be read and holds back the later messages of its ordering key', async () => {
    const invoke = jest.fn(async () => undefined);
    const ordered = delivery(invoke);
    ordered.message.properties.appId = 'shop';
    ordered.message.properties.headers = { 'x-txmsg-ordering-key': 'order-7', 'x-txmsg-seq': 3 };
    ordered.ordered = { skipOnPark: false, gapTimeoutMs: 1000 };
    ordered.key = () => {
      throw new Error('invalid OrderPlaced: orderId must be a UUID');
    };
    await expect(runtime().handle(ordered)).resolves.toBeUndefined();
    expect(parked).toEqual(['UNRECOVERABLE']);
    expect(ordering.block).toHaveBeenCalledWith('C.m', 'shop', 'order-7', 3);
    expect(invoke).not.toHaveBeenCalled();
  });
});
