import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import type {
  AttemptRow,
  DueNotificationsRequest,
  LeasedNotification,
  NewNotification,
  NotificationPurge,
  NotificationRow,
  RecordedAttempt,
} from './notification-rows';
import { type Queryable, StoreDatabase } from './store-database';

/**
 * `txmsg_notification` and its attempt log `txmsg_notification_attempt`: every statement and
 * status transition of the best-effort notifier's tables.
 *
 * PENDING (written with the business change) → DELIVERED (a receiver answered 2xx) or FAILED
 * (the ladder is spent), each attempt logged; a resend makes them PENDING and due again.
 * An attempt's outcome is applied only while the row is still the one leased (PENDING, same
 * attempt count), so an instance whose lease ran out never overwrites another's outcome.
 * Finished notifications are purged with their attempts after the retention.
 */
@Injectable()
export class NotificationStore {
  constructor(private readonly db: StoreDatabase) {}

  private get d() {
    return this.db.dialect;
  }

  /** Writes a PENDING notification in the transaction of `em`. */
  async insert(em: Queryable, notification: NewNotification): Promise<void> {
    const { notificationId, subject, type, targetUrl, body, traceContext } = notification;
    await this.db.query(
      `INSERT INTO txmsg_notification (notification_id, subject, type, target_url, body, trace_context, status)
       VALUES (?, ?, ?, ?, ?, ?, 'PENDING')`,
      [notificationId, subject, type, targetUrl, body, traceContext],
      em,
    );
  }

  /** Sends every notification of `subject` again now, whatever its state (see {@link resendWhere}); returns how many. */
  markForResend(subject: string): Promise<number> {
    return this.resendWhere('subject = ?', [subject]);
  }

  /**
   * {@link resendWhere} for the rows of `ids` DELIVERED or FAILED; a PENDING one is on its ladder
   * already, and made due now it could be attempted beside an attempt in flight. Returns how many.
   */
  resendFinished(ids: string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.resendWhere(`status IN ('DELIVERED', 'FAILED') AND ${this.d.anyOf('id')}`, [ids]);
  }

  /**
   * Makes the rows of `where` PENDING and due now. A finished one starts a fresh ladder (attempts
   * back to 0): with its ladder spent it would be given up on after one more failure, which no
   * one re-sending to a receiver just fixed wants. Its attempt log stays; the new ladder counts
   * from 1 after it. A PENDING one keeps its count, the fence of an attempt in flight. `attempts`
   * comes first: MySQL assigns left to right, each seeing those before, and it needs the old status.
   */
  private async resendWhere(where: string, params: unknown[]): Promise<number> {
    const set = `attempts = CASE WHEN status = 'PENDING' THEN attempts ELSE 0 END, status = 'PENDING',
                 next_attempt_at = ${this.d.now}, finished_at = NULL`;
    return affectedRows(await this.db.query(`UPDATE txmsg_notification SET ${set} WHERE ${where}`, params));
  }

  /**
   * Leases due PENDING notifications in one short transaction (READ COMMITTED, `SKIP LOCKED`, so
   * instances never claim the same row): finds up to `limit` of them, oldest first, leases the
   * ones `choose` picks by moving their `next_attempt_at` `leaseMs` ahead, and commits. The rows
   * not chosen stay due. Returns how many rows were found, and the leased ones.
   */
  async leaseDue(request: DueNotificationsRequest): Promise<{ found: number; leased: LeasedNotification[] }> {
    const where = ["status = 'PENDING'", `next_attempt_at <= ${this.d.now}`];
    const params: unknown[] = [];
    for (const origin of request.exceptOrigins) {
      where.push(`target_url NOT LIKE ?`);
      params.push(`${origin.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`); // stored URLs are canonical: origin, then "/"
    }
    if (request.exceptIds.length > 0) {
      where.push(`NOT (${this.d.anyOf('notification_id')})`);
      params.push(request.exceptIds);
    }
    const select = `SELECT id, notification_id, type, subject, target_url, ${this.d.jsonText('body')} AS body, attempts, trace_context
                      FROM txmsg_notification
                     WHERE ${where.join(' AND ')}
                     ORDER BY next_attempt_at, id LIMIT ${Math.floor(request.limit)} FOR UPDATE SKIP LOCKED`;
    const lease = `UPDATE txmsg_notification SET next_attempt_at = ${this.d.nowPlusMicros} WHERE ${this.d.anyOf('id')}`;
    let leased: LeasedNotification[] = [];
    const found = await this.db.claim<LeasedNotification>(select, params, async (em, rows) => {
      leased = request.choose(rows.map((row) => ({ ...row, attempts: Number(row.attempts) })));
      if (leased.length === 0) return;
      await this.db.query(lease, [request.leaseMs * 1000, leased.map((row) => row.id)], em);
    });
    return { found, leased };
  }

  /**
   * Logs one attempt and moves the notification on: DELIVERED, FAILED, or PENDING again after
   * `retryInMs`, in one short transaction, conditional on the row being still the one leased.
   * When it moved to FAILED, `whenFailed` runs in that transaction (so what it writes commits with
   * the outcome, or not at all); returns whether it ran.
   */
  async recordAttempt(
    row: LeasedNotification,
    attempt: RecordedAttempt,
    whenFailed?: (em: Queryable) => Promise<void>,
  ): Promise<boolean> {
    const { statusCode, failure, durationMs, retryInMs } = attempt;
    const [next, params] =
      failure === null
        ? [`status = 'DELIVERED', last_error = NULL, finished_at = ${this.d.now}`, []]
        : retryInMs === undefined
          ? [`status = 'FAILED', last_error = ?, finished_at = ${this.d.now}`, [failure]]
          : [`last_error = ?, next_attempt_at = ${this.d.nowPlusMicros}`, [failure, retryInMs * 1000]];
    return this.db.dataSource.transaction(async (em) => {
      await this.db.query(
        `INSERT INTO txmsg_notification_attempt (notification_id, attempt, status_code, error, duration_ms)
         VALUES (?, ?, ?, ?, ?)`,
        [row.notification_id, row.attempts + 1, statusCode, failure, durationMs],
        em,
      );
      const moved = await this.db.query(
        `UPDATE txmsg_notification SET attempts = ?, last_status = ?, ${next}
          WHERE notification_id = ? AND status = 'PENDING' AND attempts = ?`,
        [row.attempts + 1, statusCode, ...params, row.notification_id, row.attempts],
        em,
      );
      if (!whenFailed || failure === null || retryInMs !== undefined || affectedRows(moved) === 0) return false;
      await whenFailed(em);
      return true;
    });
  }

  /** The notifications of `subject`, oldest first, with all their attempts. Reads outside any transaction. */
  async list(subject: string): Promise<{ rows: NotificationRow[]; attempts: AttemptRow[] }> {
    const rows: NotificationRow[] = await this.db.query(
      `SELECT notification_id, subject, type, target_url, status, next_attempt_at, created_at, finished_at
         FROM txmsg_notification WHERE subject = ? ORDER BY id`,
      [subject],
    );
    if (rows.length === 0) return { rows, attempts: [] };
    const attempts: AttemptRow[] = await this.db.query(
      `SELECT notification_id, attempt, attempted_at, status_code, error, duration_ms
         FROM txmsg_notification_attempt WHERE ${this.d.anyOf('notification_id')} ORDER BY id`,
      [rows.map((r) => r.notification_id)],
    );
    return { rows, attempts };
  }

  /**
   * Deletes DELIVERED or FAILED notifications finished more than `retentionMs` ago, with their
   * attempts, `batchSize` at a time, each batch a transaction of its own. A notification and its
   * attempts go together, under the notification's row lock, so a resend racing the purge either
   * keeps the row (it waits for the lock, then finds nothing) or is skipped by it (the locking
   * read skips rows a resend holds).
   */
  async purgeFinished(retentionMs: number, batchSize: number): Promise<NotificationPurge> {
    const purged: NotificationPurge = { notifications: 0, notificationAttempts: 0 };
    const select = `SELECT notification_id FROM txmsg_notification
                     WHERE status IN ('DELIVERED', 'FAILED') AND finished_at < ${this.d.nowPlusMicros}
                     LIMIT ? FOR UPDATE SKIP LOCKED`;
    for (;;) {
      const claimed = await this.db.claim<{ notification_id: string }>(
        select,
        [-retentionMs * 1000, batchSize],
        async (em, rows) => {
          const deleted = await this.deleteWithAttempts(
            em,
            rows.map((row) => row.notification_id),
          );
          purged.notifications += deleted.notifications;
          purged.notificationAttempts += deleted.notificationAttempts;
        },
      );
      if (claimed < batchSize) return purged;
    }
  }

  /** The statements of this table's scrape-time gauges: PENDING and FAILED notifications by status. */
  gaugeStatements(): { notifications: string } {
    return {
      notifications:
        "SELECT status, COUNT(*) AS n FROM txmsg_notification WHERE status IN ('PENDING', 'FAILED') GROUP BY status",
    };
  }

  /** Deletes notifications `ids` and their attempts, attempts first, in the transaction holding their row locks. */
  private async deleteWithAttempts(em: EntityManager, ids: string[]): Promise<NotificationPurge> {
    const notificationAttempts = affectedRows(
      await this.db.query(`DELETE FROM txmsg_notification_attempt WHERE ${this.d.anyOf('notification_id')}`, [ids], em),
    );
    const notifications = affectedRows(
      await this.db.query(`DELETE FROM txmsg_notification WHERE ${this.d.anyOf('notification_id')}`, [ids], em),
    );
    return { notifications, notificationAttempts };
  }
}
