import type { MessageEnvelope } from '../envelope';
import type { OrderedConsumerOptions } from '../ordering/ordered-options';
import type { ConsumerRetryPolicy } from './consumer-retry-policy';
import { idempotentHandler } from './idempotent-handler';

/** Options of {@link Idempotent}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by default so `key: (p) => p.txNo` compiles; pass T for checking
export interface IdempotentOptions<T = any> {
  /**
   * The dedup key: a payload property name (`'txNo'`), or a function of payload and envelope.
   * Default: the message id. Use a business key when the same fact may arrive in different
   * messages (a notification and a reconciliation, say).
   */
  key?: string | ((payload: T, envelope: MessageEnvelope) => string);
  /** Name under which dedup rows and failures are kept. Default `Class.method`. */
  consumer?: string;
  /**
   * Apply the messages of one ordering key in the order their transactions committed at the
   * producer, each once; other keys never wait on it. A message that arrives before its
   * predecessor is held back until the predecessor is applied; a message of a key on the retry
   * ladder or parked holds back the later ones of that key only. Messages without an ordering
   * key are applied as they come.
   */
  ordered?: boolean | OrderedConsumerOptions;
  /**
   * This consumer's own retries: ladder, attempts, jitter, and which errors are retried (others
   * are parked at once). Checked at start-up. Default: the module's `retry.ladderMs`, every error.
   */
  retry?: ConsumerRetryPolicy;
}

/**
 * Applies a message handler's effect exactly once.
 *
 * The handler runs inside a database transaction (ambient: use `TransactionHost.tx` or
 * `@Transactional()` code) together with the insert of the dedup row `(consumer, key)`. A
 * duplicate finds the row and is acknowledged without running the handler. A handler that
 * throws gets the message again on the retry ladder (its own with `retry`), then the message is parked; a message that
 * is not JSON, or a handler that throws {@link UnrecoverableMessageError}, is parked at once.
 * The queue never blocks behind a bad message.
 *
 * The method is called with golevelup's arguments as they come, `(payload: unknown, message:
 * ConsumeMessage)`: the form for a subscription that is not one {@link IntegrationEvent} class
 * (a pattern, another producer's format). For one event class, {@link OnIntegrationEvent} hands
 * the method the validated event and a {@link MessageContext} instead.
 *
 * Stack it with `@RabbitSubscribe({ exchange, routingKey, queue })` in either order; give the
 * subscription a durable `queue` name, which retries are sent back to. The class must be a
 * provider (or controller) of an application that imports TxMsgModule: the module binds its
 * consumer runtime to the instance at bootstrap. A delivery that finds no runtime is never
 * dropped: it goes back to the queue.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as IdempotentOptions
export function Idempotent<T = any>(options: IdempotentOptions<T> = {}): MethodDecorator {
  const key = options.key;
  const keyOf =
    typeof key === 'string'
      ? (payload: unknown) => String((payload as Record<string, unknown>)?.[key] ?? '')
      : (key as ((payload: unknown, envelope: MessageEnvelope) => string) | undefined);
  return idempotentHandler(options, ({ self, args, original }) => ({
    payload: args[0],
    key: keyOf,
    invoke: () => original.apply(self, args),
  }));
}
