import { affectedRows, formatAmount, insertUnlessDuplicate, parseAmount, runSql } from '@app/common';
import { Outbox } from '@txmsg/nestjs';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TransferCredited } from '../../events/transfer-credited.event';
import { TransferRejected } from '../../events/transfer-rejected.event';
import { CreditTransferCommand, type CreditOutcome } from './credit-transfer.command';

/**
 * Applies a transfer from bank1: records it (unique per `txNo`), credits the account and
 * announces `bank2.transfer.credited`; or, when bank2 holds no such account, records the
 * rejection and announces `bank2.transfer.rejected` so bank1 refunds it.
 *
 * Transaction contract: joins the ambient transaction (the consumer's, with its dedup row), or
 * opens one; the record, the credit and the outgoing message commit together.
 */
@CommandHandler(CreditTransferCommand)
export class CreditTransferHandler implements ICommandHandler<CreditTransferCommand, CreditOutcome> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute(command: CreditTransferCommand): Promise<CreditOutcome> {
    const { txNo, fromAccountNo, toAccountNo } = command;
    const amount = normalised(command.amount);
    if (!(await this.record(command, amount))) return 'ALREADY_APPLIED';
    const credited = await runSql(
      this.txHost.tx,
      'UPDATE account_info SET balance = balance + CAST(? AS DECIMAL(18,2)) WHERE account_no = ?',
      [amount, toAccountNo],
    );
    if (affectedRows(credited) === 1) {
      await this.outbox.publish(new TransferCredited(txNo, toAccountNo, amount));
      return 'CREDITED';
    }
    await runSql(this.txHost.tx, `UPDATE incoming_transfer SET status = 'REJECTED' WHERE tx_no = ?`, [txNo]);
    const reason = `account ${toAccountNo} not found at bank2`;
    await this.outbox.publish(new TransferRejected(txNo, fromAccountNo, toAccountNo, amount, reason));
    return 'REJECTED';
  }

  /**
   * Inserts the incoming transfer; false if this `txNo` was applied before. The library's dedup
   * row already stops duplicates; this also holds after dedup rows are purged.
   */
  private record({ txNo, fromAccountNo, toAccountNo }: CreditTransferCommand, amount: string): Promise<boolean> {
    // The transaction goes on after a duplicate, on either engine.
    return insertUnlessDuplicate(
      this.txHost.tx,
      `INSERT INTO incoming_transfer (tx_no, from_account_no, to_account_no, amount, status)
       VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'CREDITED')`,
      [txNo, fromAccountNo, toAccountNo, amount],
      'tx_no',
    );
  }
}

function normalised(amount: string): string {
  const parsed = parseAmount(amount);
  if ('error' in parsed) throw new Error(`amount ${parsed.error}`); // validated on arrival
  return formatAmount(parsed.amount);
}
