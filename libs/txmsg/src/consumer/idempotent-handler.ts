import { Nack, RABBIT_HANDLER } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '../envelope';
import { type OrderedConsumerOptions, resolveOrdered } from '../ordering/ordered-options';
import { type ConsumerRetryPolicy, RETRY_POLICY } from './consumer-retry-policy';
import { IDEMPOTENT_HANDLER, runtimeOf } from './runtime-binding';

/** How long a delivery that found no runtime waits before it goes back to the queue. */
const UNBOUND_PAUSE_MS = 1000;

/** What both `@Idempotent` and `@OnIntegrationEvent` take besides the dedup key. */
export interface HandlerOptions {
  consumer?: string;
  ordered?: boolean | OrderedConsumerOptions;
  retry?: ConsumerRetryPolicy;
}

/** One delivery as a decorated method was called with it by golevelup. */
export interface HandlerArguments {
  /** The consumer instance. */
  self: unknown;
  /** golevelup's arguments: the deserialised payload, the AMQP message, its headers. */
  args: unknown[];
  message: ConsumeMessage;
  consumer: string;
  original: (...args: unknown[]) => Promise<unknown>;
}

/** What the runtime is handed for one delivery: its payload, dedup key, and the handler to run. */
export interface HandlerCall {
  payload: unknown;
  key?: (payload: unknown, envelope: MessageEnvelope) => string;
  /** Runs the user's method once; the runtime calls it inside the dedup transaction. */
  invoke: () => Promise<unknown>;
}

/**
 * Wraps a method so every delivery goes through the consumer runtime its application bound to
 * the instance; `callOf` decides what the method is called with. Subscription metadata applied
 * before (below) it is copied onto the wrapper, as golevelup reads it from there.
 */
export function idempotentHandler(
  options: HandlerOptions,
  callOf: (delivery: HandlerArguments) => HandlerCall,
): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    const consumer = options.consumer ?? `${target.constructor.name}.${String(propertyKey)}`;
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
        message,
        ordered,
        ...callOf({ self: this, args, message, consumer, original }),
      });
    };
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
