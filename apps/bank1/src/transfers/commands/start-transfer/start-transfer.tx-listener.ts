import {
  type LocalTransactionListener,
  LocalTransactionState,
  type TransactionMessage,
  TransactionalListener,
} from '@txmsg/nestjs';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Transfer } from '../../entities/transfer.entity';
import type { TransferStarted } from '../../events/transfer-started.event';
import { type TransferIdempotency, TransferLedger } from '../transfer-ledger';

/** Producer group of bank1's transfers: the half messages and check-backs of this listener. */
export const TRANSFER_GROUP = 'bank1-transfer';

/** What the local transaction needs besides the message: the Idempotency-Key to record, if any. */
export interface TransferDebit {
  idempotency?: TransferIdempotency;
}

/**
 * The local transaction of a transfer: records the
 * Idempotency-Key, debits the source account and writes the transfer row, in the library's
 * ambient transaction, which also makes the `bank1.transfer.started` message deliverable.
 * Anything it throws rolls all of that back and discards the message.
 */
@TransactionalListener({ group: TRANSFER_GROUP })
export class StartTransferTxListener implements LocalTransactionListener<TransferStarted, TransferDebit> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly ledger: TransferLedger,
  ) {}

  async execute({ payload }: TransactionMessage<TransferStarted>, { idempotency }: TransferDebit) {
    await this.ledger.open(payload, idempotency);
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
}
