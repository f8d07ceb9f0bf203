import type { RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';
import type { IdempotentOptions } from './idempotent.decorator';

/** Options of {@link OnIntegrationEvent}. */
export interface OnIntegrationEventOptions<T = unknown> extends IdempotentOptions<T> {
  /** Durable queue of this consumer, which retries are sent back to (`<service>.<effect>-on-<event>`). */
  queue: string;
  /** Exchange to bind the queue to. Default `broker.exchange`. */
  exchange?: string;
  /** Further golevelup subscription options (queue arguments, say). */
  subscription?: Omit<RabbitHandlerConfig, 'type' | 'exchange' | 'routingKey' | 'queue'>;
}
