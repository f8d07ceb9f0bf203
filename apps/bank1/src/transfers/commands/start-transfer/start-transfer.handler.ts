import { InjectServiceConfig } from '@app/common';
import { isDuplicateKeyError, TransactionProducer } from '@txmsg/nestjs';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Bank1Config } from '../../../bank1.config';
import { IdempotencyKey } from '../../entities/idempotency-key.entity';
import { TRANSFER_STARTED, TransferStarted } from '../../events/transfer-started.event';
import { StartTransferCommand, type TransferAccepted } from './start-transfer.command';
import { StartTransferTxListener, type TransferDebit } from './start-transfer.tx-listener';
import { toTransferRequest } from './transfer-request';
import { replayTransfer } from '../transfer-replay';

/**
 * Starts a transfer as a RocketMQ-style transactional message: the debit, the transfer row, the
 * Idempotency-Key and the `bank1.transfer.started` message commit together, or nothing happens
 * and nothing is sent (404 unknown source, 422 insufficient funds). With TRANSFERS_ORDERED the
 * message is keyed by the payer account: its sequence number is taken in the same transaction
 * and the key stays locked until the commit, so the numbers follow the account's debits (whose
 * transfers then wait for each other from the message's insert on, not only from the debit).
 *
 * Transaction contract: opens its own transactions (through `sendMessageInTransaction`); must not
 * run inside one.
 */
@CommandHandler(StartTransferCommand)
export class StartTransferHandler implements ICommandHandler<StartTransferCommand, TransferAccepted> {
  constructor(
    private readonly producer: TransactionProducer,
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
    @InjectServiceConfig() private readonly config: Pick<Bank1Config, 'transfersOrdered'>,
  ) {}

  async execute(command: StartTransferCommand): Promise<TransferAccepted> {
    const request = toTransferRequest(command);
    const key = command.idempotencyKey;
    const replay = key === undefined ? undefined : await this.replay(key, request.hash);
    if (replay) return replay;

    const txNo = randomUUID();
    const event = new TransferStarted(txNo, request.fromAccountNo, request.toAccountNo, request.amount);
    const debit: TransferDebit = key === undefined ? {} : { idempotency: { key, requestHash: request.hash } };
    try {
      const options = this.config.transfersOrdered ? { orderingKey: request.fromAccountNo } : {};
      await this.producer.sendMessageInTransaction(StartTransferTxListener, TRANSFER_STARTED, event, debit, options);
    } catch (error) {
      // A concurrent request with the same key committed first: answer what it answered.
      const raced = key !== undefined && isDuplicateKeyError(error) ? await this.replay(key, request.hash) : undefined;
      if (raced) return raced;
      throw error;
    }
    return { txNo, status: 'PENDING' };
  }

  private replay(key: string, requestHash: string): Promise<TransferAccepted | undefined> {
    return replayTransfer(this.keys, key, requestHash);
  }
}
