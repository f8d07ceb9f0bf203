import type { FailureAttemptRecord, FailureWrite } from './failure-rows';
import type { Queryable, StoreDatabase } from './store-database';

/** How many attempts are kept per failed message: a message failing forever must not grow its history forever. */
export const KEPT_ATTEMPTS = 100;

/**
 * `txmsg_inbox_failure_attempt`, the history of a failure row, for {@link FailureStore}: one row
 * per failure recorded, written in the transaction that records it. Rows hang off the failure
 * row's id with `ON DELETE CASCADE`, so whatever deletes a failure row deletes its attempts in the
 * same statement; nothing here deletes them otherwise, beyond the oldest past the last 100.
 */
export class FailureAttempts {
  constructor(private readonly db: StoreDatabase) {}

  private get idParam(): string {
    return this.db.dialect.name === 'postgres' ? 'CAST(? AS bigint)' : 'CAST(? AS UNSIGNED)';
  }

  /**
   * Appends the attempt `row` records to the history of failure `failureId` (at the database's
   * clock; a retry with the time it is due) and drops what lies beyond the last 100, in the
   * transaction of `em`.
   */
  async append(em: Queryable, failureId: string, row: FailureWrite): Promise<void> {
    const d = this.db.dialect;
    const retry = row.status === 'WAITING';
    await this.db.query(
      `INSERT INTO txmsg_inbox_failure_attempt (failure_id, attempt, at, outcome, reason, retry_at, error_class, error, trace_id)
       VALUES (${this.idParam}, ?, ${d.now}, ?, ?, ${retry ? d.nowPlusMicros : 'NULL'}, ?, ?, ?)`,
      [
        ...[failureId, row.attempts, retry ? 'RETRY' : 'PARKED', row.reason],
        ...(retry ? [row.dueInMs * 1000] : []),
        ...[row.errorClass, row.lastError.slice(0, 2000), row.traceId],
      ],
      em,
    );
    // Read first, then deleted by constants: a DELETE with a subquery may scan (and lock) rows of
    // other messages' histories being written at the same time, a deadlock between two consumers.
    const [oldestKept] = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM txmsg_inbox_failure_attempt WHERE failure_id = ${this.idParam}
        ORDER BY id DESC LIMIT 1 OFFSET ${KEPT_ATTEMPTS - 1}`,
      [failureId],
      em,
    );
    if (oldestKept) {
      await this.db.query(
        `DELETE FROM txmsg_inbox_failure_attempt WHERE failure_id = ${this.idParam} AND id < ${this.idParam}`,
        [failureId, String(oldestKept.id)],
        em,
      );
    }
  }

  /** The attempts kept of failure `failureId`, oldest first. */
  async of(failureId: string): Promise<FailureAttemptRecord[]> {
    const rows = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT attempt, at, outcome, reason, retry_at, error_class, error, trace_id
         FROM txmsg_inbox_failure_attempt WHERE failure_id = ${this.idParam} ORDER BY id`,
      [failureId],
    );
    return rows.map((row) => ({ ...row, attempt: Number(row.attempt) }) as FailureAttemptRecord);
  }
}
