import { Nack, RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import { type ConsumerRetryPolicy, RETRY_POLICY } from './consumer-retry-policy';
import { type OrderedConsumerOptions, resolveOrdered } from '../ordering/ordered-options';
import { IDEMPOTENT_HANDLER, runtimeOf } from './runtime-binding';

/** How long a delivery that found no runtime waits before it goes back to the queue. */
const UNBOUND_PAUSE_MS = 1000;

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
 * Stack it with `@RabbitSubscribe({ exchange, routingKey, queue })` in either order; give the
 * subscription a durable `queue` name, which retries are sent back to. The class must be a
 * provider (or controller) of an application that imports TxMsgModule: the module binds its
 * consumer runtime to the instance at bootstrap. A delivery that finds no runtime is never
 * dropped: it goes back to the queue.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as IdempotentOptions
export function Idempotent<T = any>(options: IdempotentOptions<T> = {}): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    const consumer = options.consumer ?? `${target.constructor.name}.${String(propertyKey)}`;
    const key = options.key;
    const ordered = resolveOrdered(options.ordered);
    const wrapper = async function (this: unknown, ...args: unknown[]) {
      const message = args.find(isConsumeMessage);
      if (!message) throw new Error(`@Idempotent handler ${consumer} was not given the AMQP message`);
      const subscription = Reflect.getMetadata(RABBIT_HANDLER, wrapper) as
        { queue?: string; routingKey?: string | string[] } | undefined;
      const runtime = runtimeOf(this);
      if (!runtime) {
        new Logger('TxMsgConsumer').error(
          `@Idempotent handler ${consumer} has no consumer runtime (is TxMsgModule imported, and the class a provider?); message ${message.properties.messageId ?? '(no id)'} goes back to the queue`,
        );
        await new Promise((resolve) => setTimeout(resolve, UNBOUND_PAUSE_MS));
        return new Nack(true);
      }
      return runtime.handle({
        consumer,
        queue: subscription?.queue || undefined,
        routingKeys: routingKeysOf(subscription?.routingKey),
        payload: args[0],
        message,
        key:
          typeof key === 'string'
            ? (payload) => String((payload as Record<string, unknown>)?.[key] ?? '')
            : (key as ((payload: unknown, envelope: MessageEnvelope) => string) | undefined),
        invoke: () => original.apply(this, args),
        ordered,
      });
    };
    // Decorators applied before this one (below it) put their metadata on the original method.
    for (const metadataKey of Reflect.getMetadataKeys(original)) {
      Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, original), wrapper);
    }
    Reflect.defineMetadata(IDEMPOTENT_HANDLER, consumer, wrapper);
    if (options.retry) Reflect.defineMetadata(RETRY_POLICY, options.retry, wrapper);
    Object.defineProperty(wrapper, 'name', { value: original.name });
    descriptor.value = wrapper;
    return descriptor;
  };
}

function isConsumeMessage(value: unknown): value is ConsumeMessage {
  const m = value as ConsumeMessage;
  return !!m && typeof m === 'object' && Buffer.isBuffer(m.content) && !!m.fields && !!m.properties;
}

function routingKeysOf(routingKey: string | string[] | undefined): string[] | undefined {
  return routingKey === undefined ? undefined : Array.isArray(routingKey) ? routingKey : [routingKey];
}
