import type { Logger } from '@nestjs/common';
import type { ClsService } from 'nestjs-cls';
import type { LocalTransactionListener } from './local-transaction-listener';
import type { LocalTransactionState } from './local-transaction-state';
import { messageOfRow } from './message-of-row';
import type { PreparedRow } from './prepared-row';

/**
 * Asks a half message's listener whether its local transaction committed. A missing listener,
 * a throw, or an answer that is not COMMIT or ROLLBACK counts as UNKNOWN (logged). Runs `check()`
 * in a fresh CLS context and outside any transaction.
 */
export async function askListener(
  listener: LocalTransactionListener | undefined,
  row: PreparedRow,
  cls: ClsService,
  logger: Logger,
): Promise<LocalTransactionState> {
  if (!listener) {
    logger.error(`no @TransactionalListener for group "${row.tx_group}"; message ${row.message_id} stays UNKNOWN`);
    return 'UNKNOWN';
  }
  const message = messageOfRow(row);
  try {
    const state = await cls.run(() => listener.check(message));
    return state === 'COMMIT' || state === 'ROLLBACK' ? state : 'UNKNOWN';
  } catch (error) {
    logger.warn(`check() of message ${row.message_id} failed, counted as UNKNOWN: ${(error as Error).message}`);
    return 'UNKNOWN';
  }
}
