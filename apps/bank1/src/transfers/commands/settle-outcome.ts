import { runSql } from '@app/common';
import type { EntityManager } from 'typeorm';
import type { TransferStatus } from '../entities/transfer.entity';

/**
 * What settling a transfer did: moved it out of PENDING, found it settled already (a duplicate,
 * or the other outcome won), or found no such transfer.
 */
export type SettleOutcome = 'SETTLED' | `ALREADY_${Exclude<TransferStatus, 'PENDING'>}` | 'UNKNOWN_TRANSFER';

/**
 * Why a conditional `WHERE status = 'PENDING'` update matched nothing. Runs in the caller's
 * transaction.
 */
export async function whyNotPending(em: EntityManager, txNo: string): Promise<SettleOutcome> {
  const [row] = await runSql(em, 'SELECT status FROM transfer WHERE tx_no = ?', [txNo]);
  if (!row) return 'UNKNOWN_TRANSFER';
  return `ALREADY_${row.status as Exclude<TransferStatus, 'PENDING'>}`;
}
