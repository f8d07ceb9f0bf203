import { RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ADMIN_CONTROLLERS } from './admin';
import { metricsControllerAt } from './metrics/metrics.controller';
import { brokerConfig } from './module/broker-config';
import type { TxMsgModuleAsyncOptions } from './module/module-async-options';
import { optionsModule } from './module/options.module';
import { ownClsModule } from './module/own-cls.module';
import { TXMSG_EXPORTS, TXMSG_PROVIDERS } from './module/providers';
import { TXMSG_OPTIONS } from './txmsg.constants';
import type { ResolvedTxMsgOptions, TxMsgModuleOptions } from './txmsg.options';

export type { TxMsgModuleAsyncOptions } from './module/module-async-options';

/**
 * One import per service. Provides the outbox, the relay, transactional messages with
 * check-back, the runtime of `@Idempotent` consumers with the retry ladder and parking, and
 * housekeeping. It also sets up, for the whole application:
 * - nestjs-cls with `@nestjs-cls/transactional` on the default TypeORM DataSource, unless the
 *   host did (`cls: 'host'`), so `@Transactional()` and `TransactionHost` work everywhere;
 * - golevelup's RabbitMQModule on `broker.uri` with the library's topic exchange declared (the
 *   default exchange of `@RabbitSubscribe` subscriptions), a dead-letter exchange and parking
 *   queue under every subscribed queue, and a deserialiser that never throws.
 *
 * It adds routes only when asked: the admin API with `admin: { token }`, `GET /metrics` with
 * `metrics: {}`.
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
    const { admin, metrics, cls, ...runtime } = options;
    return TxMsgModule.forRootAsync({ useFactory: () => runtime, admin, metrics, cls });
  }

  /** Configures the library with options from a factory (e.g. a validated config provider). */
  static forRootAsync(options: TxMsgModuleAsyncOptions): DynamicModule {
    const resolvedOptions = optionsModule(options);
    return {
      module: TxMsgModule,
      global: true,
      imports: [
        resolvedOptions,
        DiscoveryModule,
        TerminusModule,
        ...(options.cls === 'host' ? [] : [ownClsModule()]),
        RabbitMQModule.forRootAsync({
          imports: [resolvedOptions],
          inject: [TXMSG_OPTIONS],
          useFactory: (resolved: ResolvedTxMsgOptions) => brokerConfig(resolved),
        }),
      ],
      controllers: [
        ...(options.admin ? ADMIN_CONTROLLERS : []),
        ...(options.metrics ? [metricsControllerAt(options.metrics.path ?? 'metrics')] : []),
      ],
      providers: TXMSG_PROVIDERS,
      exports: [resolvedOptions, RabbitMQModule, ...TXMSG_EXPORTS],
    };
  }
}
