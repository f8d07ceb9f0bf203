import { AmqpConnection, RABBIT_HANDLER, type RabbitHandlerConfig } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ConsumerRuntime } from '../consumer/consumer-runtime';
import { DEFAULT_QUEUE, defaultQueueName } from '../consumer/default-queue';
import { bindRuntime, IDEMPOTENT_HANDLER } from '../consumer/runtime-binding';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { DeadLetterQueues } from './dead-letter-queues';
import { withDeadLetterExchange } from './dead-letter-setup';
import { withDefaultArguments } from './queue-arguments';
import { hostHasRabbitMQ, TXMSG_CONNECTION, TXMSG_HANDLERS } from './txmsg-connection';
import { settleSafely } from './safe-settlement';

/** Where the subscription as the application declared it is kept, beside golevelup's adjusted copy. */
const DECLARED = Symbol('txmsg.declared-subscription');

/**
 * Adjusts every `@RabbitSubscribe` subscription of the application before golevelup registers it
 * (at application bootstrap, after this runs), and binds the consumer runtime to every instance
 * with `@Idempotent` handlers:
 * - **A default queue** `<service>.<consumer>` for an `@OnIntegrationEvent` handler that names none.
 * - **The library's exchange by default.** A subscription with a routing key and no exchange is
 *   bound to `broker.exchange`, so handlers need not repeat it.
 * - **No delivery is dropped.** A subscription without an error handler or behaviour of its own
 *   gets the library's (see {@link settleSafely}): a failed delivery is dead-lettered to
 *   `<queue>.parked`, where it stays visible and requeueable — the way MassTransit moves a
 *   faulted message to an error queue. `@Idempotent` handlers never get there: the runtime
 *   decides every outcome itself (retry ladder, parking in the database, requeue).
 * - **A dead-letter exchange under every named queue** (see {@link withDeadLetterExchange}).
 * - **Quorum queues by configuration.** With `broker.queueType: 'quorum'`, every named queue is
 *   declared as a quorum queue. A queue that sets its own `x-queue-type` keeps it.
 * - **One connection each.** `@Idempotent` subscriptions are the library's, on its connection;
 *   when the host has a RabbitMQModule of its own, every other subscription is the host's, left
 *   as declared, on the host's connection (see {@link brokerConfig}).
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
    private readonly modules: ModulesContainer,
  ) {}

  async onModuleInit(): Promise<void> {
    const hostRabbitMQ = hostHasRabbitMQ(this.modules);
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
        const library = Reflect.getMetadata(IDEMPOTENT_HANDLER, method) !== undefined;
        if (!library && hostRabbitMQ) {
          Reflect.defineMetadata(RABBIT_HANDLER, subscription, method);
          continue;
        }
        const adjusted = await this.adjust(this.named(subscription, method));
        Reflect.defineMetadata(
          RABBIT_HANDLER,
          library ? { ...adjusted, connection: TXMSG_CONNECTION, name: TXMSG_HANDLERS } : adjusted,
          method,
        );
      }
    }
  }

  /** The subscription with its default queue when it wants one: named here, where the service is known. */
  private named(subscription: RabbitHandlerConfig, method: object): RabbitHandlerConfig {
    const consumer = Reflect.getMetadata(IDEMPOTENT_HANDLER, method) as string | undefined;
    if (subscription.queue || !consumer || !Reflect.getMetadata(DEFAULT_QUEUE, method)) return subscription;
    return { ...subscription, queue: defaultQueueName(this.options.service, consumer) };
  }

  private async adjust(subscription: RabbitHandlerConfig): Promise<RabbitHandlerConfig> {
    let adjusted: RabbitHandlerConfig = {
      ...subscription,
      errorHandler: settleSafely(subscription, () => this.runtime.isStopping, this.logger),
    };
    if (subscription.routingKey !== undefined && subscription.exchange === undefined) {
      adjusted.exchange = this.options.broker.exchange;
    }
    if (!subscription.queue) return adjusted;
    const quorum = this.options.broker.queueType === 'quorum';
    if (quorum) adjusted = withDefaultArguments(adjusted, { 'x-queue-type': 'quorum' });
    const topology = await withDeadLetterExchange(
      { ...adjusted, queue: subscription.queue },
      {
        exchange: this.options.broker.exchange,
        quorum,
        amqp: this.amqp,
        logger: this.logger,
      },
    );
    if (topology.registered) this.deadLetters.register(topology.registered);
    return topology.subscription;
  }
}
