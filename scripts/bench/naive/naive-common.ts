// The naive baseline of `npm run bench`: bank1 and bank2 as the same kind of Nest
// service — same HTTP stack, validation, logging, CQRS, TypeORM and ambient transactions — but
// publishing after the commit with no outbox, and consuming with no dedup. A crash or a broker
// outage between commit and publish loses the transfer; a redelivery credits it twice. It exists
// only to be measured against.
import { type EntityClass, LoggingModule, type ServiceConfig, ServiceConfigModule, typeOrmOptions } from '@app/common';
import { MessageHandlerErrorBehavior, RabbitMQModule } from '@golevelup/nestjs-rabbitmq';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';

export const NAIVE_EXCHANGE = 'bench.naive';
export const NAIVE_STARTED = 'naive.transfer.started';
export const NAIVE_CREDITED = 'naive.transfer.credited';

/** What travels from naive bank1 to naive bank2. */
export interface NaiveTransfer {
  txNo: string;
  fromAccountNo: string;
  toAccountNo: string;
  amount: string;
}

/** Logging, the database (tables made by the real service's migrations), CLS transactions, the broker. */
export function naiveInfrastructure(config: ServiceConfig, entities: EntityClass[]): DynamicModule[] {
  return [
    ServiceConfigModule.forRoot(config),
    LoggingModule.forRoot(config),
    TypeOrmModule.forRoot({ ...typeOrmOptions(config, entities, []), migrationsRun: false }),
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true },
      plugins: [
        new ClsPluginTransactional({
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    }),
    RabbitMQModule.forRoot({
      uri: config.rabbitUrls,
      exchanges: [{ name: NAIVE_EXCHANGE, type: 'topic', options: { durable: true } }],
      prefetchCount: 20,
      defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
      connectionInitOptions: { wait: true, timeout: 10_000, reject: true },
      connectionManagerOptions: { connectionOptions: { noDelay: true } },
      enableControllerDiscovery: true,
    }),
  ];
}
