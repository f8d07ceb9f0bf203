import { MessageHandlerErrorBehavior, RabbitMQModule, type RabbitMQConfig } from '@golevelup/nestjs-rabbitmq';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { AdminController } from './admin/admin.controller';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { BrokerHealthIndicator } from './broker/broker-health.indicator';
import { ConfirmedPublisher } from './broker/confirmed-publisher';
import { DeadLetterQueues } from './broker/dead-letter-queues';
import { SubscriptionSetup } from './broker/subscription-setup';
import { ConsumerRuntime } from './consumer/consumer-runtime';
import { ConsumerShutdown } from './consumer/consumer-shutdown';
import { FailureStore } from './consumer/failure-store';
import { safeJsonDeserializer } from './consumer/poison-message';
import { RetryScheduler } from './consumer/retry-scheduler';
import { Housekeeper } from './housekeeping/housekeeper';
import { MetricsController } from './metrics/metrics.controller';
import { TxMsgMetrics } from './metrics/txmsg-metrics';
import { HttpNotifier } from './notify/http-notifier';
import { Outbox } from './outbox/outbox';
import { CommitDispatcher } from './outbox/commit-dispatcher';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxPublisher } from './outbox/outbox-publisher';
import { OutboxWriter } from './outbox/outbox-writer';
import { TransactionHooks } from './transaction-hooks/transaction-hooks';
import { CqrsOutbox } from './outbox/cqrs/cqrs-outbox';
import { CheckBackService } from './transaction/check-back';
import { ListenerRegistry } from './transaction/listener-registry';
import { TransactionProducer } from './transaction/transaction-producer';
import { TXMSG_OPTIONS } from './txmsg.constants';
import { assertValid, type ResolvedTxMsgOptions, type TxMsgModuleOptions, withDefaults } from './txmsg.options';

/** Options of {@link TxMsgModule.forRootAsync}. */
export interface TxMsgModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes whatever `inject` lists, as in its own modules
  useFactory: (...args: any[]) => TxMsgModuleOptions | Promise<TxMsgModuleOptions>;
  inject?: InjectionToken[];
}

/** Holds the resolved options so both TxMsgModule and the broker module it configures can read them. */
@Module({})
class TxMsgOptionsModule {}

/**
 * One import per service. Provides the outbox, the relay, transactional messages with
 * check-back, the runtime of `@Idempotent` consumers with the retry ladder and parking, the
 * admin API and housekeeping. It also sets up, for the whole application:
 * - nestjs-cls with `@nestjs-cls/transactional` on the default TypeORM DataSource, so
 *   `@Transactional()` and `TransactionHost` work everywhere (the service imports TypeOrmModule);
 * - golevelup's RabbitMQModule on `broker.uri` with the library's topic exchange declared, a
 *   dead-letter exchange and parking queue under every subscribed queue, and a deserialiser that
 *   never throws.
 *
 * Shutdown (`app.close()`, or a signal with `enableShutdownHooks()`) loses nothing: consumers are
 * cancelled and deliveries in flight finish first (`onModuleDestroy`), then the relay and the
 * other workers stop and flush (`beforeApplicationShutdown`), then the broker connection closes.
 *
 * Add `TXMSG_MIGRATIONS` to the service's migrations.
 */
@Module({})
export class TxMsgModule {
  /** Configures the library with static options. */
  static forRoot(options: TxMsgModuleOptions): DynamicModule {
    return TxMsgModule.forRootAsync({ useFactory: () => options });
  }

  /** Configures the library with options from a factory (e.g. a validated config provider). */
  static forRootAsync(options: TxMsgModuleAsyncOptions): DynamicModule {
    const optionsModule: DynamicModule = {
      module: TxMsgOptionsModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TXMSG_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: unknown[]) => {
            const resolved = withDefaults(await options.useFactory(...args));
            assertValid(resolved);
            return resolved;
          },
        },
      ],
      exports: [TXMSG_OPTIONS],
    };
    return {
      module: TxMsgModule,
      global: true,
      imports: [
        optionsModule,
        DiscoveryModule,
        TerminusModule,
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            generateId: true,
            idGenerator: (req: Request) => correlationIdOf(req),
          },
          plugins: [
            new ClsPluginTransactional({
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
            }),
          ],
        }),
        RabbitMQModule.forRootAsync({
          imports: [optionsModule],
          inject: [TXMSG_OPTIONS],
          useFactory: (resolved: ResolvedTxMsgOptions) => brokerConfig(resolved),
        }),
      ],
      controllers: [AdminController, MetricsController],
      providers: [
        AdminTokenGuard,
        TxMsgMetrics,
        BrokerHealthIndicator,
        ConfirmedPublisher,
        DeadLetterQueues,
        SubscriptionSetup,
        ConsumerRuntime,
        ConsumerShutdown,
        FailureStore,
        RetryScheduler,
        Housekeeper,
        HttpNotifier,
        Outbox,
        OutboxRelay,
        CommitDispatcher,
        OutboxWriter,
        OutboxPublisher,
        TransactionHooks,
        CqrsOutbox,
        CheckBackService,
        ListenerRegistry,
        TransactionProducer,
      ],
      exports: [
        optionsModule,
        RabbitMQModule,
        BrokerHealthIndicator,
        Outbox,
        OutboxRelay,
        TransactionProducer,
        FailureStore,
        DeadLetterQueues,
        Housekeeper,
        HttpNotifier,
        TxMsgMetrics,
        CheckBackService,
        RetryScheduler,
      ],
    };
  }
}

function brokerConfig(options: ResolvedTxMsgOptions): RabbitMQConfig {
  return {
    uri: options.broker.uri,
    exchanges: [{ name: options.broker.exchange, type: 'topic', options: { durable: true } }],
    prefetchCount: options.broker.prefetch,
    defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
    deserializer: safeJsonDeserializer,
    connectionInitOptions: { wait: true, timeout: options.broker.connectTimeoutMs, reject: true },
    connectionManagerOptions: {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      // amqplib leaves Nagle's algorithm on: small frames (a publish, an ack) then wait for the
      // peer's delayed ACK, up to ~40 ms, which was most of the commit-to-delivery latency.
      connectionOptions: { noDelay: true },
    },
    enableControllerDiscovery: true,
  };
}

function correlationIdOf(req: Request): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}
