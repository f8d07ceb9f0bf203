import type { Logger } from '@nestjs/common';
import type { ClsService } from 'nestjs-cls';
import type { LocalTransactionListener } from './local-transaction-listener';
import type { LocalTransactionState } from './local-transaction-state';
import { messageOfRow } from './message-of-row';
import type { PreparedRow } from './prepared-row';

/** A check-back's answer: ERROR (no listener, or `check()` threw) is applied as UNKNOWN but counted apart. */
export type CheckAnswer = LocalTransactionState | 'ERROR';

/**
 * Asks a half message's listener whether its local transaction committed. A missing listener
 * or a throw is an ERROR (logged), an answer that is not COMMIT or ROLLBACK counts as UNKNOWN;
 * both leave the message for the next check. Runs `check()` in a fresh CLS context and outside
 * any transaction.
 */
export async function askListener(
  listener: LocalTransactionListener | undefined,
  row: PreparedRow,
  cls: ClsService,
  logger: Logger,
): Promise<CheckAnswer> {
  if (!listener) {
    logger.error(`no @TransactionalListener for group "${row.tx_group}"; message ${row.message_id} stays UNKNOWN`);
    return 'ERROR';
  }
  const message = messageOfRow(row);
  try {
    const state = await cls.run(() => listener.check(message));
    return state === 'COMMIT' || state === 'ROLLBACK' ? state : 'UNKNOWN';
  } catch (error) {
    logger.warn(`check() of message ${row.message_id} failed, counted as UNKNOWN: ${(error as Error).message}`);
    return 'ERROR';
  }
}
