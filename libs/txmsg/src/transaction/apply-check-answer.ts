import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
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
  dataSource: DataSource,
  logger: Logger,
  row: PreparedRow,
  state: CheckAnswer,
  maxChecks: number,
): Promise<boolean> {
  const checks = row.check_count;
  if (state === 'COMMIT') {
    const result = await dataSource.query(
      `UPDATE txmsg_outbox SET status = 'READY', next_attempt_at = NOW(3) WHERE id = ? AND status = 'PREPARED'`,
      [row.id],
    );
    if (affectedRows(result) === 1) logger.log(`check-back committed message ${row.message_id} (${row.tx_group})`);
    return true;
  }
  if (state === 'ROLLBACK' || checks >= maxChecks) {
    const reason = state === 'ROLLBACK' ? 'rolled back by check-back' : `check-back exhausted after ${checks} checks`;
    const result = await dataSource.query(
      `UPDATE txmsg_outbox SET status = 'DISCARDED', finished_at = NOW(3), last_error = ?
        WHERE id = ? AND status = 'PREPARED'`,
      [reason, row.id],
    );
    if (affectedRows(result) !== 1) return false; // the local transaction finished first
    const log = `message ${row.message_id} (${row.tx_group}) discarded: ${reason}`;
    if (state === 'ROLLBACK') logger.log(log);
    else logger.error(log);
  }
  return false;
}
