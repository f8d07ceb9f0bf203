import {
  getHandlerForLegacyBehavior,
  MessageHandlerErrorBehavior,
  RABBIT_HANDLER,
  type MessageErrorHandler,
  type RabbitHandlerConfig,
} from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * Adjusts every `@RabbitSubscribe` subscription before golevelup registers it (it does so at
 * application bootstrap, after this runs):
 * - **Settling never crashes the process.** When the channel closes while a handler runs (broker
 *   restart, forced close, network cut), golevelup's ack throws, and so does the nack it tries
 *   next; unguarded, that is an unhandled rejection, which ends a Node process. The error handler
 *   of each subscription (its own, or its `errorBehavior`, NACK by default) is wrapped so that a
 *   settlement on a dead channel is logged instead: the broker redelivers the unacknowledged
 *   message on the new channel, and the dedup row makes the second delivery a no-op.
 * - **Quorum queues by configuration.** With `broker.queueType: 'quorum'`, every named queue is
 *   declared as a quorum queue (replicated across a RabbitMQ cluster, at-least-once
 *   dead-lettering): a configuration switch, not a code change. A queue that sets its own
 *   `x-queue-type` keeps it.
 */
@Injectable()
export class SubscriptionSetup implements OnModuleInit {
  private readonly logger = new Logger('TxMsgConsumer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = wrapper.metatype?.prototype;
      if (!prototype || !wrapper.instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        const subscription: RabbitHandlerConfig | undefined = Reflect.getMetadata(RABBIT_HANDLER, method);
        if (subscription?.type !== 'subscribe') continue;
        Reflect.defineMetadata(RABBIT_HANDLER, this.adjust(subscription), method);
      }
    }
  }

  private adjust(subscription: RabbitHandlerConfig): RabbitHandlerConfig {
    const adjusted = { ...subscription, errorHandler: this.settleSafely(subscription) };
    return this.options.broker.queueType === 'quorum' && subscription.queue ? quorum(adjusted) : adjusted;
  }

  private settleSafely(subscription: RabbitHandlerConfig): MessageErrorHandler {
    const settle =
      subscription.errorHandler ?? getHandlerForLegacyBehavior(subscription.errorBehavior ?? MessageHandlerErrorBehavior.NACK);
    if ((settle as { [SAFE]?: true })[SAFE]) return settle; // adjusted already (a second application in one process)
    const safe: MessageErrorHandler = async (channel, message, error) => {
      try {
        await settle(channel, message, error);
      } catch (settleError) {
        const id = message.properties.messageId ?? '(no id)';
        this.logger.warn(
          `message ${id} on ${subscription.queue || subscription.routingKey} could not be settled (${(settleError as Error).message}); the broker will deliver it again`,
        );
      }
    };
    return Object.assign(safe, { [SAFE]: true as const });
  }
}

const SAFE = Symbol('txmsg.settle-safely');

function quorum(subscription: RabbitHandlerConfig): RabbitHandlerConfig {
  return {
    ...subscription,
    queueOptions: {
      ...subscription.queueOptions,
      durable: true,
      arguments: { 'x-queue-type': 'quorum', ...subscription.queueOptions?.arguments },
    },
  };
}
