import {
  HealthModule,
  LoggingModule,
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
import { BANK2_MIGRATIONS } from '../../../migrations/bank2';
import { AccountsModule } from './accounts/accounts.module';
import { Account } from './accounts/entities/account.entity';
import type { Bank2Config } from './bank2.config';
import { IncomingTransfer } from './transfers/entities/incoming-transfer.entity';
import { TransfersModule } from './transfers/transfers.module';

/** bank2 — Li Si's bank: credits transfers it receives. */
@Module({})
export class AppModule {
  static forRoot(config: Bank2Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (c: ServiceConfig) => typeOrmOptions(c, [Account, IncomingTransfer], BANK2_MIGRATIONS),
        }),
        TxMsgModule.forRootAsync({ inject: [SERVICE_CONFIG], useFactory: txMsgOptions }),
        CqrsModule.forRoot(),
        HealthModule,
        AccountsModule,
        TransfersModule,
      ],
    };
  }
}
