import { RABBIT_HANDLER, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
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
});
