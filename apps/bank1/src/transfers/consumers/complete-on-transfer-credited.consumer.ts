import { OnIntegrationEvent, UnrecoverableMessageError } from '@txmsg/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CompleteTransferCommand } from '../commands/complete-transfer/complete-transfer.command';
import { TransferCredited } from '../events/transfer-credited.event';

/** bank2 credited a transfer: mark it COMPLETED, once. */
@Injectable()
export class CompleteOnTransferCreditedConsumer {
  private readonly logger = new Logger(CompleteOnTransferCreditedConsumer.name);

  constructor(private readonly commandBus: CommandBus) {}

  @OnIntegrationEvent(TransferCredited, { queue: 'bank1.complete-on-transfer-credited', key: 'txNo' })
  async handle({ txNo }: TransferCredited): Promise<void> {
    const outcome = await this.commandBus.execute(new CompleteTransferCommand(txNo));
    if (outcome === 'UNKNOWN_TRANSFER') throw new UnrecoverableMessageError(`no transfer ${txNo} at bank1`);
    // bank2 answers each transfer once, credited or rejected; both arriving means a bug there.
    if (outcome === 'ALREADY_REFUNDED')
      this.logger.error(`transfer ${txNo} was credited by bank2 but already refunded`);
  }
}
