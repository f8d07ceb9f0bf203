import type { Type } from '@nestjs/common';
import { envelopeOf, type MessageEnvelope } from '../envelope';
import type { HandlerArguments, HandlerCall } from './idempotent-handler';
import { type DedupKeyContext, dedupKeyContextOf, type MessageContext } from './message-context';
import type { EventDedupKey } from './on-integration-event-options';
import { toEvent } from './validate-message';

/**
 * One delivery to an `@OnIntegrationEvent` handler: the method is called with the validated event
 * and its {@link MessageContext}. The event is built once, when first needed — by the dedup key
 * (after the runtime refused forged and poison messages) or else by the handler, inside its
 * transaction — so either way a payload that fails validation is parked at once.
 */
export function eventCall<T extends object>(
  type: Type<T>,
  key: EventDedupKey<T> | undefined,
  { self, args, message, consumer, original }: HandlerArguments,
): HandlerCall {
  const payload = args[0];
  let event: T | undefined;
  const eventOf = () => (event ??= toEvent(type, payload));
  let context: DedupKeyContext | undefined;
  const contextOf = (envelope?: MessageEnvelope) =>
    (context ??= dedupKeyContextOf(message, envelope ?? envelopeOf(message), consumer));
  let dedupKey: string | undefined;
  return {
    payload,
    key:
      key === undefined
        ? undefined
        : (_, envelope) => {
            const of = eventOf();
            dedupKey = typeof key === 'function' ? key(of, contextOf(envelope)) : String(of[key] ?? '');
            return dedupKey;
          },
    invoke: () => {
      const ctx = contextOf();
      const full: MessageContext = { ...ctx, dedupKey: dedupKey ?? ctx.messageId };
      return original.call(self, eventOf(), full);
    },
  };
}
