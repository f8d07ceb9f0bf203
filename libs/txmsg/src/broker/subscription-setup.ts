import {
  AmqpConnection,
  getHandlerForLegacyBehavior,
  MessageHandlerErrorBehavior,
  RABBIT_HANDLER,
  type MessageErrorHandler,
  type RabbitHandlerConfig,
} from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import { bindRuntime, IDEMPOTENT_HANDLER } from '../consumer/runtime-binding';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { DeadLetterQueues } from './dead-letter-queues';
import {
  type ChannelSource,
  canDeclareQueue,
  deadLetterArguments,
  deadLetterTopologyOf,
  declareDeadLetterTopology,
} from './dead-letter';

/**
 * Adjusts every `@RabbitSubscribe` subscription of the application before golevelup registers it
 * (at application bootstrap, after this runs), and binds the consumer runtime to every instance
 * with `@Idempotent` handlers:
 * - **No delivery is dropped.** A subscription without an error handler or behaviour of its own
 *   gets the library's: while the application stops, a failed delivery goes back to the queue;
 *   otherwise it is rejected and the broker dead-letters it to `<queue>.parked` (see
 *   {@link deadLetterTopologyOf}), where it stays visible and requeueable — the way MassTransit
 *   moves a faulted message to an error queue. `@Idempotent` handlers never get there: the
 *   runtime decides every outcome itself (retry ladder, parking in the database, requeue).
 * - **A dead-letter exchange under every named queue**, declared with its parking queue. A queue
 *   that already exists with other arguments (declared by an earlier version) keeps them, with a
 *   warning saying how to add the safety net.
 * - **Settling never crashes the process.** When the channel closes while a handler runs (broker
 *   restart, forced close, network cut), the ack throws, and so does the nack tried next;
 *   unguarded, that is an unhandled rejection, which ends a Node process. Such a settlement is
 *   logged instead: the broker redelivers the unacknowledged message, and dedup answers it.
 * - **Quorum queues by configuration.** With `broker.queueType: 'quorum'`, every named queue is
 *   declared as a quorum queue. A queue that sets its own `x-queue-type` keeps it.
 */
@Injectable()
export class SubscriptionSetup implements OnModuleInit {
  private readonly logger = new Logger('TxMsgConsumer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly amqp: AmqpConnection,
    private readonly runtime: ConsumerRuntime,
    private readonly deadLetters: DeadLetterQueues,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const prototype = wrapper.metatype?.prototype;
      if (!prototype || !wrapper.instance) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (Reflect.getMetadata(IDEMPOTENT_HANDLER, method)) bindRuntime(wrapper.instance, this.runtime);
        // Adjusted from the subscription as declared, so an application started after another one in
        // the same process (tests do) gets its own runtime and its own broker topology.
        const subscription: RabbitHandlerConfig | undefined =
          Reflect.getMetadata(DECLARED, method) ?? Reflect.getMetadata(RABBIT_HANDLER, method);
        if (subscription?.type !== 'subscribe') continue;
        Reflect.defineMetadata(DECLARED, subscription, method);
        Reflect.defineMetadata(RABBIT_HANDLER, await this.adjust(subscription), method);
      }
    }
  }

  private async adjust(subscription: RabbitHandlerConfig): Promise<RabbitHandlerConfig> {
    let adjusted: RabbitHandlerConfig = { ...subscription, errorHandler: this.settleSafely(subscription) };
    if (!subscription.queue) return adjusted;
    const quorum = this.options.broker.queueType === 'quorum';
    if (quorum) adjusted = withDefaultArguments(adjusted, { 'x-queue-type': 'quorum' });
    const topology = deadLetterTopologyOf(this.options.broker.exchange, subscription.queue);
    const queueArgs = adjusted.queueOptions?.arguments ?? {};
    if (queueArgs['x-dead-letter-exchange'] !== undefined) return adjusted; // the application chose its own
    const withDeadLetter = withDefaultArguments(
      adjusted,
      deadLetterArguments(topology, queueArgs['x-queue-type'] === 'quorum'),
    );
    if (
      !(await canDeclareQueue(
        this.amqp.connection as unknown as ChannelSource,
        subscription.queue,
        withDeadLetter.queueOptions ?? {},
      ))
    ) {
      this.logger.warn(
        `queue ${subscription.queue} exists without the library's dead-letter exchange (declared by an earlier version); ` +
          `messages the broker rejects there are not parked. Delete the queue once drained, or add a policy: ` +
          `rabbitmqctl set_policy ${subscription.queue}-dlx '^${subscription.queue}$' '{"dead-letter-exchange":"${topology.exchange}","dead-letter-routing-key":"${topology.queue}"}' --apply-to queues`,
      );
      return adjusted;
    }
    await declareDeadLetterTopology(this.amqp.channel, topology, quorum);
    this.deadLetters.register(topology);
    return withDeadLetter;
  }

  private settleSafely(subscription: RabbitHandlerConfig): MessageErrorHandler {
    const own =
      subscription.errorHandler ??
      (subscription.errorBehavior && getHandlerForLegacyBehavior(subscription.errorBehavior));
    const requeue = getHandlerForLegacyBehavior(MessageHandlerErrorBehavior.REQUEUE);
    const park = getHandlerForLegacyBehavior(MessageHandlerErrorBehavior.NACK);
    const where = subscription.queue || subscription.routingKey;
    return async (channel, message, error) => {
      try {
        if (own) return await own(channel, message, error);
        const id = (Array.isArray(message) ? message[0] : message)?.properties.messageId ?? '(no id)';
        if (this.runtime.isStopping) {
          this.logger.warn(
            `handler of ${where} failed on message ${id} while stopping; back to the queue: ${describe(error)}`,
          );
          return await requeue(channel, message, error);
        }
        this.logger.error(
          `handler of ${where} failed on message ${id}; dead-lettered to its parking queue: ${describe(error)}`,
        );
        await park(channel, message, error);
      } catch (settleError) {
        const id = (Array.isArray(message) ? message[0] : message)?.properties.messageId ?? '(no id)';
        this.logger.warn(
          `message ${id} on ${where} could not be settled (${(settleError as Error).message}); the broker will deliver it again`,
        );
      }
    };
  }
}

/** Where the subscription as the application declared it is kept, beside golevelup's adjusted copy. */
const DECLARED = Symbol('txmsg.declared-subscription');

/** Adds queue arguments the subscription does not set itself; the queue is durable. */
function withDefaultArguments(subscription: RabbitHandlerConfig, args: Record<string, unknown>): RabbitHandlerConfig {
  return {
    ...subscription,
    queueOptions: {
      ...subscription.queueOptions,
      durable: true,
      arguments: { ...args, ...subscription.queueOptions?.arguments },
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
