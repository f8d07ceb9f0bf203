import { RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import { type DynamicModule, Module, type NestModule } from '@nestjs/common';
import { DiscoveryModule, ModulesContainer } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { hostHasRabbitMQ } from './broker/txmsg-connection';
import { brokerConfig } from './module/broker-config';
import { LibraryRoutes } from './module/library-routes';
import type { TxMsgModuleAsyncOptions } from './module/module-async-options';
import { optionsModule } from './module/options.module';
import { ownClsModule } from './module/own-cls.module';
import { TXMSG_EXPORTS, TXMSG_PROVIDERS } from './module/providers';
import { RouteClashCheck } from './module/route-clash-check';
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
 * It adds routes only when asked: the admin API under `admin.path` (`/txmsg`) with
 * `admin: { token }`, `GET /metrics` with `metrics: true`. Start-up fails, with the fix in the
 * message, when the database lacks the library's tables (or a migration of them) and when one of
 * its routes takes the method and path of one of the application's.
 *
 * Shutdown (`app.close()`, or a signal with `enableShutdownHooks()`) loses nothing: consumers are
 * cancelled and deliveries in flight finish first (`onModuleDestroy`), then the relay and the
 * other workers stop and flush (`beforeApplicationShutdown`), then the broker connection closes.
 *
 * Add `TXMSG_MIGRATIONS` to the service's migrations.
 */
@Module({})
export class TxMsgModule implements NestModule {
  constructor(private readonly routeClashes: RouteClashCheck) {}

  /** Configures the library with static options. */
  static forRoot(options: TxMsgModuleOptions): DynamicModule {
    return TxMsgModule.forRootAsync({ useFactory: () => options, cls: options.cls });
  }

  /**
   * Configures the library with options from a factory (e.g. a validated config provider): every
   * option, `admin` and `metrics` included; `cls` beside the factory.
   */
  static forRootAsync(options: TxMsgModuleAsyncOptions): DynamicModule {
    const routes = new LibraryRoutes();
    const resolvedOptions = optionsModule(options, routes);
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
          inject: [TXMSG_OPTIONS, ModulesContainer],
          useFactory: (resolved: ResolvedTxMsgOptions, modules: ModulesContainer) =>
            brokerConfig(resolved, hostHasRabbitMQ(modules)),
        }),
      ],
      controllers: routes.controllers,
      providers: [...TXMSG_PROVIDERS, { provide: LibraryRoutes, useValue: routes }, RouteClashCheck],
      // The options go with the exports because a host controller guarded by AdminTokenGuard gets
      // the guard made in its own module, which must reach them.
      exports: [resolvedOptions, ...TXMSG_EXPORTS],
    };
  }

  /**
   * Checks the library's routes against the application's. Nest calls it before it registers any
   * route (and only in an HTTP application), so a clash fails start-up with the library's message
   * on every adapter, before Fastify's own duplicate-route error.
   */
  configure(): void {
    this.routeClashes.assertNone();
  }
}
