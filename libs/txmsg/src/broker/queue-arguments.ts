import type { RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';

/** Adds queue arguments the subscription does not set itself; the queue is durable. */
export function withDefaultArguments(
  subscription: RabbitHandlerConfig,
  args: Record<string, unknown>,
): RabbitHandlerConfig {
  return {
    ...subscription,
    queueOptions: {
      ...subscription.queueOptions,
      durable: true,
      arguments: { ...args, ...subscription.queueOptions?.arguments },
    },
  };
}
