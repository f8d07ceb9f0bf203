import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import type { Type } from '@nestjs/common';
import { routingKeyOf } from '../outbox/integration-event.decorator';
import { DEFAULT_QUEUE } from './default-queue';
import { eventCall } from './event-call';
import { idempotentHandler } from './idempotent-handler';
import type { MessageContext } from './message-context';
import type { OnIntegrationEventOptions } from './on-integration-event-options';

/** A method that takes the event `T` (or less: `unknown`) and, optionally, its context. */
export type IntegrationEventHandler<T> = (event: T, ctx: MessageContext) => unknown;

/**
 * Subscribes a method to an {@link IntegrationEvent} class and applies its effect exactly once,
 * as {@link Idempotent} does: the dedup row and the method in one transaction, failures on the
 * retry ladder, then parked.
 *
 * The method is called with an instance of the event class itself, transformed
 * (class-transformer) and validated (class-validator) from the payload, and the
 * {@link MessageContext} of the delivery. A payload that fails validation is parked at once,
 * never retried; a class without validator decorators is only transformed. Subscribed on the
 * event's routing key (written once, on the event) and `queue` (default
 * `<service>.<consumer>`); the module's exchange unless `exchange` says otherwise.
 *
 * The handler runs in the transaction of its dedup row: write through `TransactionHost.tx` or
 * `@Transactional()` code, and messages it publishes leave once it commits.
 *
 * @example
 * ```ts
 * @OnIntegrationEvent(TransferStarted, { key: 'txNo' })
 * async handle(event: TransferStarted, ctx: MessageContext) { ... }
 * ```
 */
export function OnIntegrationEvent<T extends object>(event: Type<T>, options: OnIntegrationEventOptions<T> = {}) {
  const routingKey = routingKeyOf(event.prototype as object);
  if (!routingKey) throw new Error(`@OnIntegrationEvent: ${event.name} is not marked with @IntegrationEvent`);
  const { queue, exchange, subscription, key, ...handler } = options;
  const subscribe = RabbitSubscribe({ ...subscription, exchange, routingKey, queue });
  const wrap = idempotentHandler(handler, (delivery) => eventCall(event, key, delivery));
  return <M extends IntegrationEventHandler<T>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    subscribe(target, propertyKey, descriptor);
    wrap(target, propertyKey, descriptor);
    if (!queue) Reflect.defineMetadata(DEFAULT_QUEUE, true, descriptor.value!);
  };
}
