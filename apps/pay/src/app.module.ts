import {
  HealthModule,
  LoggingModule,
  RateLimitModule,
  SERVICE_CONFIG,
  ServiceConfigModule,
  txMsgOptions,
  typeOrmOptions,
} from '@app/common';
import { TxMsgModule, type TxMsgModuleOptions } from '@txmsg/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PAY_MIGRATIONS } from '../../../migrations/pay';
import type { PayConfig } from './pay.config';
import { Recharge } from './recharges/entities/recharge.entity';
import { RechargesModule } from './recharges/recharges.module';

/** pay — the recharge system: records recharges and notifies their results. */
@Module({})
export class AppModule {
  static forRoot(config: PayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (c: PayConfig) => typeOrmOptions(c, [Recharge], PAY_MIGRATIONS),
        }),
        TxMsgModule.forRootAsync({ inject: [SERVICE_CONFIG], useFactory: payTxMsgOptions }),
        CqrsModule.forRoot(),
        RateLimitModule.forRoot(config.rateLimit),
        HealthModule,
        RechargesModule,
      ],
    };
  }
}

/** The shared options plus the webhook receivers, each with its own key; notifications retry on RETRY_LADDER. */
function payTxMsgOptions(config: PayConfig): TxMsgModuleOptions {
  return {
    ...txMsgOptions(config),
    notify: { secrets: config.notifySecrets },
  };
}
