import { affectedRows, runSql } from '@app/common';
import {
  type LocalTransactionListener,
  LocalTransactionState,
  type TransactionMessage,
  TransactionalListener,
} from '@txmsg/nestjs';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { Transfer } from '../../entities/transfer.entity';
import type { TransferStarted } from '../../events/transfer-started.event';

/** Producer group of bank1's transfers: the half messages and check-backs of this listener. */
export const TRANSFER_GROUP = 'bank1-transfer';

/** What the local transaction needs besides the message: the Idempotency-Key to record, if any. */
export interface TransferDebit {
  idempotency?: { key: string; requestHash: string };
}

/**
 * The local transaction of a transfer: records the
 * Idempotency-Key, debits the source account and writes the transfer row, in the library's
 * ambient transaction, which also makes the `bank1.transfer.started` message deliverable.
 * Anything it throws rolls all of that back and discards the message.
 */
@TransactionalListener({ group: TRANSFER_GROUP })
export class StartTransferTxListener implements LocalTransactionListener<TransferStarted, TransferDebit> {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async execute({ payload }: TransactionMessage<TransferStarted>, { idempotency }: TransferDebit) {
    const em = this.txHost.tx;
    // First, so a concurrent duplicate fails on the key before it touches any balance.
    if (idempotency) {
      // A duplicate key fails the whole transaction, which the handler then answers as a replay.
      await runSql(em, 'INSERT INTO idempotency_key (idempotency_key, request_hash, tx_no) VALUES (?, ?, ?)', [
        idempotency.key,
        idempotency.requestHash,
        payload.txNo,
      ]);
    }
    // Plain SQL: TypeORM's insert() would read the defaulted columns back, one more round trip.
    await runSql(
      em,
      `INSERT INTO transfer (tx_no, from_account_no, to_account_no, amount, status)
       VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), 'PENDING')`,
      [payload.txNo, payload.fromAccountNo, payload.toAccountNo, payload.amount],
    );
    // The debit last: the account row stays locked only from here to the commit, which is what
    // limits transfers from one busy account. A refusal throws and rolls the transfer row back.
    await this.debit(payload.fromAccountNo, payload.amount);
    return LocalTransactionState.COMMIT;
  }

  /**
   * The transfer row exists iff the local transaction committed. Not found means it rolled back
   * or never ran (a crash): ROLLBACK. Safe even while it is still running: the library's COMMIT
   * flip is conditional, so a transaction whose half message was discarded rolls back.
   */
  async check({ payload }: TransactionMessage<TransferStarted>) {
    const found = await this.txHost.tx.existsBy(Transfer, { txNo: payload.txNo });
    return found ? LocalTransactionState.COMMIT : LocalTransactionState.ROLLBACK;
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
