import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { applyDecorators, type Type } from '@nestjs/common';
import { routingKeyOf } from '../outbox/integration-event.decorator';
import { Idempotent } from './idempotent.decorator';
import type { OnIntegrationEventOptions } from './on-integration-event-options';

/**
 * Subscribes a method to an {@link IntegrationEvent} class and applies its effect exactly once:
 * `@RabbitSubscribe` on the event's routing key and `queue`, with {@link Idempotent} (`key`,
 * `consumer`) over it, so the routing key is written once, on the event.
 *
 * @example
 * ```ts
 * @OnIntegrationEvent(TransferStarted, { queue: 'bank2.credit-on-transfer-started', key: 'txNo' })
 * async handle(payload: unknown) { ... }
 * ```
 */
export function OnIntegrationEvent<T>(event: Type<T>, options: OnIntegrationEventOptions<T>): MethodDecorator {
  const routingKey = routingKeyOf(event.prototype as object);
  if (!routingKey) throw new Error(`@OnIntegrationEvent: ${event.name} is not marked with @IntegrationEvent`);
  const { queue, exchange, subscription, ...idempotent } = options;
  return applyDecorators(
    RabbitSubscribe({ ...subscription, exchange, routingKey, queue }),
    Idempotent<T>(idempotent),
  ) as MethodDecorator;
}
