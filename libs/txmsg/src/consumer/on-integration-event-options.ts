import type { RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';
import type { DedupKeyContext } from './message-context';
import type { IdempotentOptions } from './idempotent.decorator';

/** The properties of `T` that can name a dedup key: those holding a string or a number. */
export type EventKeyProperty<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string | number | bigint ? K : never;
}[keyof T] &
  string;

/** The dedup key of an `@OnIntegrationEvent` handler: a property of its event, or a function of event and context. */
export type EventDedupKey<T> = EventKeyProperty<T> | ((event: T, ctx: DedupKeyContext) => string);

/** Options of {@link OnIntegrationEvent}. */
export interface OnIntegrationEventOptions<T = unknown> extends Omit<IdempotentOptions<T>, 'key'> {
  /**
   * The dedup key: a property of the event class (`'txNo'`, checked by the compiler), or a
   * function of the validated event and the context. Default: the message id. Read from the
   * validated event, so an invalid payload is parked before its dedup row is written.
   */
  key?: EventDedupKey<T>;
  /**
   * Durable queue of this consumer, which retries are sent back to
   * (`<service>.<effect>-on-<event>`). Default `<service>.<consumer>`, the service named in the
   * module options and the consumer name (`consumer`, default `Class.method`), so it is stable
   * across deploys as long as those names are. The consumer name also names the dedup rows: set
   * `consumer` to the old name before renaming the class or the method.
   */
  queue?: string;
  /** Exchange to bind the queue to. Default `broker.exchange`. */
  exchange?: string;
  /** Further golevelup subscription options (queue arguments, say). */
  subscription?: Omit<RabbitHandlerConfig, 'type' | 'exchange' | 'routingKey' | 'queue'>;
}
