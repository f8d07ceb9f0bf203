import { OnIntegrationEvent } from '@txmsg/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { transfersOrderedAtImport } from '../../bank2.config';
import { CreditTransferCommand } from '../commands/credit-transfer/credit-transfer.command';
import { TransferStarted } from '../events/transfer-started.event';

/**
 * bank1 started a transfer: credit its `toAccountNo` here, once per `txNo` however often it
 * arrives. An invalid message is parked at once; a failure is retried on the ladder. With
 * TRANSFERS_ORDERED=true the credits of one payer account (bank1's ordering key) are applied in
 * the order bank1 debited them.
 */
@Injectable()
export class CreditOnTransferStartedConsumer {
  private readonly logger = new Logger(CreditOnTransferStartedConsumer.name);

  constructor(private readonly commandBus: CommandBus) {}

  // Decorator options are fixed when this file is imported, before the configuration is loaded
  // and injectable: the switch is read from the environment here, as the config file reads it.
  @OnIntegrationEvent(TransferStarted, {
    queue: 'bank2.credit-on-transfer-started',
    key: 'txNo',
    ordered: transfersOrderedAtImport(),
  })
  async handle({ txNo, fromAccountNo, toAccountNo, amount }: TransferStarted): Promise<void> {
    const outcome = await this.commandBus.execute(new CreditTransferCommand(txNo, fromAccountNo, toAccountNo, amount));
    if (outcome === 'REJECTED') this.logger.warn(`transfer ${txNo} rejected: no account ${toAccountNo} at bank2`);
  }
}
