import 'reflect-metadata';
import { INTEGRATION_EVENT } from '../txmsg.constants';

/**
 * Marks a class as an integration event: its instances are message payloads that leave the
 * service through the outbox with this routing key (`<service>.<noun>.<past-tense>`), which is
 * also the message type.
 *
 * @example
 * ```ts
 * @IntegrationEvent('bank1.transfer.started')
 * export class TransferStarted { constructor(readonly txNo: string, readonly amount: string) {} }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the decorated class is not known to the decorator's signature
export function IntegrationEvent(routingKey: string, options: IntegrationEventOptions<any> = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(INTEGRATION_EVENT, routingKey, target);
    if (options.orderingKey !== undefined) Reflect.defineMetadata(ORDERING_KEY, options.orderingKey, target);
  };
}

/** Options of {@link IntegrationEvent}. */
export interface IntegrationEventOptions<T extends object> {
  /**
   * The ordering key of each event, however it is published (`Outbox.publish` or the CQRS
   * `EventBus`): a property name (`'orderId'`) or a function of the event.
   */
  orderingKey?: (keyof T & string) | ((event: T) => string);
}

const ORDERING_KEY = Symbol('txmsg.integration-event.ordering-key');

/** The ordering key {@link IntegrationEvent} gives `event`, if it names one. */
export function orderingKeyOf(event: object): string | undefined {
  const key = Reflect.getMetadata(ORDERING_KEY, event.constructor) as string | ((e: object) => string) | undefined;
  if (key === undefined) return undefined;
  return typeof key === 'function' ? key(event) : String((event as Record<string, unknown>)[key]);
}

/** The routing key given by {@link IntegrationEvent}, or `undefined` for an unmarked class. */
export function routingKeyOf(event: object): string | undefined {
  return Reflect.getMetadata(INTEGRATION_EVENT, event.constructor);
}
