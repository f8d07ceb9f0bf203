import { affectedRows, runSql } from '@app/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SettleOutcome, whyNotPending } from '../settle-outcome';
import { RefundTransferCommand } from './refund-transfer.command';

/**
 * Refunds a transfer bank2 rejected: the conditional status flip decides, so the money goes
 * back exactly once however often the rejection arrives, and never for a completed transfer.
 * The amount and account come from bank1's own transfer row.
 *
 * Transaction contract: joins the ambient transaction (the consumer's, with its dedup row), or
 * opens one; the flip and the credit commit together.
 */
@CommandHandler(RefundTransferCommand)
export class RefundTransferHandler implements ICommandHandler<RefundTransferCommand, SettleOutcome> {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async execute({ txNo }: RefundTransferCommand): Promise<SettleOutcome> {
    const em = this.txHost.tx;
    const flipped = await runSql(em, `UPDATE transfer SET status = 'REFUNDED' WHERE tx_no = ? AND status = 'PENDING'`, [
      txNo,
    ]);
    if (affectedRows(flipped) !== 1) return whyNotPending(em, txNo);
    // Subqueries rather than a joined UPDATE, whose syntax differs between the engines.
    const credited = await runSql(
      em,
      `UPDATE account_info
          SET balance = balance + (SELECT t.amount FROM transfer t WHERE t.tx_no = ?)
        WHERE account_no = (SELECT t.from_account_no FROM transfer t WHERE t.tx_no = ?)`,
      [txNo, txNo],
    );
    // The source account was debited by this very transfer; if it is gone, stop and retry later.
    if (affectedRows(credited) !== 1)
      throw new Error(`source account of transfer ${txNo} not found; refund not applied`);
    return 'SETTLED';
  }
}
