import { RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import { IntegrationEvent } from '../outbox/integration-event.decorator';
import { OnIntegrationEvent } from './on-integration-event.decorator';
import { IDEMPOTENT_HANDLER } from './runtime-binding';

@IntegrationEvent('bank1.transfer.started')
class TransferStarted {
  constructor(readonly txNo: string) {}
}

describe(OnIntegrationEvent.name, () => {
  it("subscribes on the event's routing key and makes the handler idempotent", () => {
    class Consumer {
      @OnIntegrationEvent(TransferStarted, { queue: 'bank2.credit-on-transfer-started', key: 'txNo' })
      async handle(): Promise<void> {}
    }
    const handler = Consumer.prototype.handle;
    expect(Reflect.getMetadata(RABBIT_HANDLER, handler)).toMatchObject({
      type: 'subscribe',
      routingKey: 'bank1.transfer.started',
      queue: 'bank2.credit-on-transfer-started',
      exchange: undefined,
    });
    expect(Reflect.getMetadata(IDEMPOTENT_HANDLER, handler)).toBe('Consumer.handle');
  });

  it('refuses a class that is not an integration event', () => {
    class NotAnEvent {}
    expect(() => OnIntegrationEvent(NotAnEvent, { queue: 'q' })).toThrow(
      '@OnIntegrationEvent: NotAnEvent is not marked with @IntegrationEvent',
    );
  });
});
