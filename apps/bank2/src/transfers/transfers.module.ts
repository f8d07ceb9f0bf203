import { Module } from '@nestjs/common';
import { CreditTransferHandler } from './commands/credit-transfer/credit-transfer.handler';
import { CreditOnTransferStartedConsumer } from './consumers/credit-on-transfer-started.consumer';

/** Transfers from bank1: credited once, or rejected back for a refund. */
@Module({
  providers: [CreditTransferHandler, CreditOnTransferStartedConsumer],
})
export class TransfersModule {}
