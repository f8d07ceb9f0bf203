import { isDuplicateKeyError, Outbox, withDeadlockRetry } from '@txmsg/nestjs';
import { Transactional } from '@nestjs-cls/transactional';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { IdempotencyKey } from '../../entities/idempotency-key.entity';
import { TransferStarted } from '../../events/transfer-started.event';
import type { TransferAccepted } from '../start-transfer/start-transfer.command';
import { TransferLedger } from '../transfer-ledger';
import { replayTransfer } from '../transfer-replay';
import { ScheduleTransferCommand } from './schedule-transfer.command';
import { toScheduledRequest } from './scheduled-request';

/**
 * Schedules a transfer: the debit, the transfer row, the Idempotency-Key and the
 * `bank1.transfer.started` message due at `executeAt` commit together (404 unknown source, 422
 * insufficient funds: nothing happens). The message waits in the outbox, not at the broker, and
 * its id is the transfer number, which is all a cancel needs.
 *
 * Transaction contract: opens its own transaction; must not run inside one.
 */
@CommandHandler(ScheduleTransferCommand)
export class ScheduleTransferHandler implements ICommandHandler<ScheduleTransferCommand, TransferAccepted> {
  constructor(
    private readonly ledger: TransferLedger,
    private readonly outbox: Outbox,
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
  ) {}

  async execute(command: ScheduleTransferCommand): Promise<TransferAccepted> {
    const request = toScheduledRequest(command);
    const key = command.idempotencyKey;
    const replay = key === undefined ? undefined : await replayTransfer(this.keys, key, request.hash);
    if (replay) return replay;

    const txNo = randomUUID();
    const event = new TransferStarted(txNo, request.fromAccountNo, request.toAccountNo, request.amount);
    try {
      const idempotency = key === undefined ? undefined : { key, requestHash: request.hash };
      await withDeadlockRetry(() => this.schedule(event, request.executeAt, idempotency));
    } catch (error) {
      // A concurrent request with the same key committed first: answer what it answered.
      const raced =
        key !== undefined && isDuplicateKeyError(error)
          ? await replayTransfer(this.keys, key, request.hash)
          : undefined;
      if (raced) return raced;
      throw error;
    }
    return { txNo, status: 'PENDING' };
  }

  @Transactional()
  private async schedule(
    event: TransferStarted,
    dueAt: Date,
    idempotency?: { key: string; requestHash: string },
  ): Promise<void> {
    await this.ledger.open(event, idempotency);
    await this.outbox.publish(event, { dueAt, messageId: event.txNo });
  }
}
