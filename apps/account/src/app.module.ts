import {
  HealthModule,
  LoggingModule,
  RateLimitModule,
  SERVICE_CONFIG,
  type ServiceConfig,
  ServiceConfigModule,
  txMsgOptions,
  typeOrmOptions,
} from '@app/common';
import { TxMsgModule } from '@txmsg/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ACCOUNT_MIGRATIONS } from '../../../migrations/account';
import { AccountsModule } from './accounts/accounts.module';
import { Account } from './accounts/entities/account.entity';
import type { AccountConfig } from './account.config';
import { Recharge } from './recharges/entities/recharge.entity';
import { WebhookReceipt } from './recharges/entities/webhook-receipt.entity';
import { RechargesModule } from './recharges/recharges.module';

/** account — the account system: applies recharge results, reconciles with pay. */
@Module({})
export class AppModule {
  static forRoot(config: AccountConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (c: ServiceConfig) => typeOrmOptions(c, [Account, Recharge, WebhookReceipt], ACCOUNT_MIGRATIONS),
        }),
        TxMsgModule.forRootAsync({ inject: [SERVICE_CONFIG], useFactory: txMsgOptions }),
        CqrsModule.forRoot(),
        RateLimitModule.forRoot(config.rateLimit),
        HealthModule,
        AccountsModule,
        RechargesModule,
      ],
    };
  }
}
