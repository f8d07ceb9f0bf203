import { Idempotent, validateMessage } from '@txmsg/nestjs';
import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CreditTransferCommand } from '../commands/credit-transfer/credit-transfer.command';
import { TRANSFER_STARTED, TransferStarted } from '../events/transfer-started.event';

/**
 * bank1 started a transfer: credit its `toAccountNo` here, once per `txNo` however often it
 * arrives. An invalid message is parked at once; a failure is retried on the ladder.
 */
@Injectable()
export class CreditOnTransferStartedConsumer {
  private readonly logger = new Logger(CreditOnTransferStartedConsumer.name);

  constructor(private readonly commandBus: CommandBus) {}

  @RabbitSubscribe({
    exchange: 'txmsg.events',
    routingKey: TRANSFER_STARTED,
    queue: 'bank2.credit-on-transfer-started',
  })
  @Idempotent({ key: 'txNo' })
  async handle(payload: unknown): Promise<void> {
    const transfer = validateMessage(TransferStarted, payload);
    const { txNo, fromAccountNo, toAccountNo, amount } = transfer;
    const outcome = await this.commandBus.execute(new CreditTransferCommand(txNo, fromAccountNo, toAccountNo, amount));
    if (outcome === 'REJECTED') this.logger.warn(`transfer ${txNo} rejected: no account ${toAccountNo} at bank2`);
  }
}
