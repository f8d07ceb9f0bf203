import {
  HealthModule,
  LoggingModule,
  SERVICE_CONFIG,
  type ServiceConfig,
  ServiceConfigModule,
  txMsgOptions,
  typeOrmOptions,
} from '@app/common';
import { TxMsgModule } from '@app/txmsg';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PAY_MIGRATIONS } from '../../../migrations/pay';
import type { PayConfig } from './pay.config';

/** pay — the recharge system (seed 6.3): records recharges and notifies their results. */
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
          useFactory: (c: ServiceConfig) => typeOrmOptions(c.db, [], PAY_MIGRATIONS),
        }),
        TxMsgModule.forRootAsync({ inject: [SERVICE_CONFIG], useFactory: txMsgOptions }),
        CqrsModule.forRoot(),
        HealthModule,
      ],
    };
  }
}
