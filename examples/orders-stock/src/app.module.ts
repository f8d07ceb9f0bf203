import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TxMsgModule } from '@txmsg/nestjs';
import type { AppConfig } from './config';
import { MIGRATIONS } from './migrations';
import { OrdersModule } from './orders/orders.module';
import { StockModule } from './stock/stock.module';

/**
 * The whole txmsg wiring of the service is here and in migrations/index.ts: the library's tables
 * next to ours, and one TxMsgModule import (it also sets up `@Transactional()` on the default
 * DataSource and the RabbitMQ connection for `@RabbitSubscribe`).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'mysql',
          host: config.database.host,
          port: config.database.port,
          username: config.database.user,
          password: config.database.password,
          database: config.database.name,
          migrations: MIGRATIONS,
          migrationsRun: true,
          timezone: 'Z',
        }),
        TxMsgModule.forRoot({
          service: 'orders-stock',
          broker: { uri: config.amqpUri },
          retry: { ladderMs: config.retryLadderMs },
        }),
        OrdersModule.register({ unpaidTimeoutMs: config.unpaidTimeoutMs }),
        StockModule,
      ],
    };
  }
}
