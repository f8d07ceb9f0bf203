import {
  HealthModule,
  LoggingModule,
  RateLimitModule,
  SERVICE_CONFIG,
  ServiceConfigModule,
  txMsgOptions,
  typeOrmOptions,
} from '@app/common';
import { TxMsgModule } from '@txmsg/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BANK1_MIGRATIONS } from '../../../migrations/bank1';
import { AccountsModule } from './accounts/accounts.module';
import { Account } from './accounts/entities/account.entity';
import type { Bank1Config } from './bank1.config';
import { IdempotencyKey } from './transfers/entities/idempotency-key.entity';
import { Transfer } from './transfers/entities/transfer.entity';
import { TransfersModule } from './transfers/transfers.module';

/** bank1 — Zhang San's bank: debits and announces transfers. */
@Module({})
export class AppModule {
  static forRoot(config: Bank1Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (c: Bank1Config) => typeOrmOptions(c, [Account, Transfer, IdempotencyKey], BANK1_MIGRATIONS),
        }),
        TxMsgModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: txMsgOptions,
        }),
        CqrsModule.forRoot(),
        RateLimitModule.forRoot(config.rateLimit),
        HealthModule,
        AccountsModule,
        TransfersModule,
      ],
    };
  }
}
