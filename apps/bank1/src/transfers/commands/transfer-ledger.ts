import { affectedRows, runSql } from '@app/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { TransferStarted } from '../events/transfer-started.event';

/** The Idempotency-Key of a request, with the hash of what it asked for. */
export interface TransferIdempotency {
  key: string;
  requestHash: string;
}

/**
 * bank1's side of a transfer, whether it is sent now or at a later time: records the
 * Idempotency-Key, writes the PENDING transfer row and debits the source account.
 *
 * Transaction contract: runs in the ambient transaction (the caller's); anything it throws (404
 * unknown source, 422 insufficient funds, a duplicate key) is meant to roll that back.
 */
@Injectable()
export class TransferLedger {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async open({ txNo, fromAccountNo, toAccountNo, amount }: TransferStarted, idempotency?: TransferIdempotency) {
    const em = this.txHost.tx;
    // First, so a concurrent duplicate fails on the key before it touches any balance.
    if (idempotency) {
      // A duplicate key fails the whole transaction, which the handler then answers as a replay.
      await runSql(em, 'INSERT INTO idempotency_key (idempotency_key, request_hash, tx_no) VALUES (?, ?, ?)', [
        idempotency.key,
        idempotency.requestHash,
        txNo,
      ]);
    }
    // Plain SQL: TypeORM's insert() would read the defaulted columns back, one more round trip.
    await runSql(
      em,
      `INSERT INTO transfer (tx_no, from_account_no, to_account_no, amount, status)
       VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'PENDING')`,
      [txNo, fromAccountNo, toAccountNo, amount],
    );
    // The debit last: the account row stays locked only from here to the commit, which is what
    // limits transfers from one busy account. A refusal throws and rolls the transfer row back.
    await this.debit(fromAccountNo, amount);
  }

  /** Credits a transfer's amount back to its source account, from bank1's own transfer row. */
  async creditBack(txNo: string): Promise<void> {
    // Subqueries rather than a joined UPDATE, whose syntax differs between the engines.
    const credited = await runSql(
      this.txHost.tx,
      `UPDATE account_info
          SET balance = balance + (SELECT t.amount FROM transfer t WHERE t.tx_no = ?)
        WHERE account_no = (SELECT t.from_account_no FROM transfer t WHERE t.tx_no = ?)`,
      [txNo, txNo],
    );
    // The source account was debited by this very transfer; if it is gone, stop and retry later.
    if (affectedRows(credited) !== 1) throw new Error(`source account of transfer ${txNo} not found; nothing credited`);
  }

  /** Conditional debit: never below zero, and concurrent debits cannot lose an update. */
  private async debit(accountNo: string, amount: string): Promise<void> {
    const em = this.txHost.tx;
    const result = await runSql(
      em,
      `UPDATE account_info SET balance = balance - CAST(? AS DECIMAL(18,2))
        WHERE account_no = ? AND balance >= CAST(? AS DECIMAL(18,2))`,
      [amount, accountNo, amount],
    );
    if (affectedRows(result) === 1) return;
    const exists = await runSql<unknown[]>(em, 'SELECT 1 FROM account_info WHERE account_no = ?', [accountNo]);
    if (exists.length === 0) throw new NotFoundException(`account ${accountNo} not found`);
    throw new UnprocessableEntityException(`insufficient funds in account ${accountNo}`);
  }
}
