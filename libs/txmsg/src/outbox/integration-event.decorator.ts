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
export function IntegrationEvent(routingKey: string): ClassDecorator {
  return (target) => Reflect.defineMetadata(INTEGRATION_EVENT, routingKey, target);
}

/** The routing key given by {@link IntegrationEvent}, or `undefined` for an unmarked class. */
export function routingKeyOf(event: object): string | undefined {
  return Reflect.getMetadata(INTEGRATION_EVENT, event.constructor);
}
