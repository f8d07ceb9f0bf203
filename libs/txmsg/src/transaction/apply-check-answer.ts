import type { Logger } from '@nestjs/common';
import type { OutboxStore } from '../store/outbox-store';
import type { CheckAnswer } from './ask-listener';
import type { PreparedRow } from './prepared-row';

/**
 * Applies a check-back's answer to a leased half message with conditional updates (`WHERE status
 * = 'PREPARED'`), so a late local commit and a check-back can never both win: COMMIT makes it
 * READY, ROLLBACK — or running out of checks (`maxChecks`) — makes it DISCARDED with the reason in
 * `last_error`; UNKNOWN or ERROR leaves it for the next check, which the lease already scheduled.
 * @returns true when the message became READY.
 */
export async function applyCheckAnswer(
  store: OutboxStore,
  logger: Logger,
  row: PreparedRow,
  state: CheckAnswer,
  maxChecks: number,
): Promise<boolean> {
  const checks = row.check_count;
  if (state === 'COMMIT') {
    if (await store.commitPrepared(row.id))
      logger.log(`check-back committed message ${row.message_id} (${row.tx_group})`);
    return true;
  }
  if (state === 'ROLLBACK' || checks >= maxChecks) {
    const reason = state === 'ROLLBACK' ? 'rolled back by check-back' : `check-back exhausted after ${checks} checks`;
    if (!(await store.discardPrepared(row.id, reason))) return false; // the local transaction finished first
    const log = `message ${row.message_id} (${row.tx_group}) discarded: ${reason}`;
    if (state === 'ROLLBACK') logger.log(log);
    else logger.error(log);
  }
  return false;
}
