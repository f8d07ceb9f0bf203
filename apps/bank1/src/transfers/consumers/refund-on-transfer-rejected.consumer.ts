import { OnIntegrationEvent, UnrecoverableMessageError } from '@txmsg/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RefundTransferCommand } from '../commands/refund-transfer/refund-transfer.command';
import { TransferRejected } from '../events/transfer-rejected.event';

/** bank2 rejected a transfer: mark it REFUNDED and credit the source account back, once. */
@Injectable()
export class RefundOnTransferRejectedConsumer {
  private readonly logger = new Logger(RefundOnTransferRejectedConsumer.name);

  constructor(private readonly commandBus: CommandBus) {}

  @OnIntegrationEvent(TransferRejected, { queue: 'bank1.refund-on-transfer-rejected', key: 'txNo' })
  async handle({ txNo, reason }: TransferRejected): Promise<void> {
    const outcome = await this.commandBus.execute(new RefundTransferCommand(txNo));
    if (outcome === 'UNKNOWN_TRANSFER') throw new UnrecoverableMessageError(`no transfer ${txNo} at bank1`);
    if (outcome === 'SETTLED') this.logger.log(`transfer ${txNo} refunded: ${reason ?? 'rejected by bank2'}`);
    // A rejection of a transfer bank2 also credited would mean a bug there; never refund it.
    if (outcome === 'ALREADY_COMPLETED')
      this.logger.error(`transfer ${txNo} was rejected by bank2 but already completed`);
  }
}
