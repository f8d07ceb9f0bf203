import { affectedRows, runSql } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SettleOutcome, whyNotPending } from '../settle-outcome';
import { CompleteTransferCommand } from './complete-transfer.command';

/**
 * Marks a transfer COMPLETED, only if it is still PENDING.
 *
 * Transaction contract: joins the ambient transaction (the consumer's, with its dedup row), or
 * opens one.
 */
@CommandHandler(CompleteTransferCommand)
export class CompleteTransferHandler implements ICommandHandler<CompleteTransferCommand, SettleOutcome> {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async execute({ txNo }: CompleteTransferCommand): Promise<SettleOutcome> {
    const result = await runSql(
      this.txHost.tx,
      `UPDATE transfer SET status = 'COMPLETED' WHERE tx_no = ? AND status = 'PENDING'`,
      [txNo],
    );
    return affectedRows(result) === 1 ? 'SETTLED' : whyNotPending(this.txHost.tx, txNo);
  }
}
