import { Nack, RABBIT_HANDLER, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import type { ConsumeMessage } from 'amqplib';
import { Idempotent } from './idempotent.decorator';

describe(Idempotent.name, () => {
  const subscription = { exchange: 'txmsg.events', routingKey: 'a.b.c', queue: 'q' };

  class Below {
    @Idempotent()
    @RabbitSubscribe(subscription)
    async handle() {}
  }

  class Above {
    @RabbitSubscribe(subscription)
    @Idempotent()
    async handle() {}
  }

  it.each([
    ['applied after @RabbitSubscribe (written above it)', Below],
    ['applied before @RabbitSubscribe (written below it)', Above],
  ])('keeps the subscription metadata when %s', (_, type) => {
    expect(Reflect.getMetadata(RABBIT_HANDLER, type.prototype.handle)).toMatchObject(subscription);
    expect(type.prototype.handle.name).toBe('handle');
  });

  it('refuses to run without the AMQP message', async () => {
    await expect(new Below().handle()).rejects.toThrow(/was not given the AMQP message/);
  });

  it('hands a delivery back to the queue when no application bound its runtime', async () => {
    jest.useFakeTimers();
    try {
      const message = {
        content: Buffer.from('{}'),
        fields: {},
        properties: { messageId: 'm1' },
      } as unknown as ConsumeMessage;
      const outcome = (new Below().handle as (...args: unknown[]) => Promise<unknown>)({}, message);
      await jest.advanceTimersByTimeAsync(1000);
      await expect(outcome).resolves.toEqual(new Nack(true));
    } finally {
      jest.useRealTimers();
    }
  });
});
