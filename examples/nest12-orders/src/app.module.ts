import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TxMsgModule } from '@txmsg/nestjs';
import type { AppConfig } from './app.config.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { MIGRATIONS } from './migrations/index.js';
import { OrdersModule } from './orders/orders.module.js';

/**
 * The whole txmsg wiring of the application: the library's tables next to ours (migrations/),
 * and one TxMsgModule import, which also sets up `@Transactional()` on the default DataSource and
 * the RabbitMQ connection its consumers subscribe with.
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
          service: 'orders',
          broker: { uri: config.amqpUri },
          retry: { ladderMs: config.retryLadderMs },
        }),
        OrdersModule,
        InvoicesModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
          }),
        },
      ],
    };
  }
}
