import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandHandlers, CommandServices, TransactionListeners } from './commands';
import { Consumers } from './consumers';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { Transfer } from './entities/transfer.entity';
import { QueryHandlers } from './queries';
import { TransfersController } from './transfers.controller';

/** Transfers to bank2: start, follow, complete or refund. */
@Module({
  imports: [TypeOrmModule.forFeature([Transfer, IdempotencyKey])],
  controllers: [TransfersController],
  providers: [...CommandHandlers, ...CommandServices, ...TransactionListeners, ...QueryHandlers, ...Consumers],
})
export class TransfersModule {}
