import type { DataSource } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import { claimRows } from '../outbox/claim-rows';

/**
 * Deletes delivered or failed notifications finished more than `micros` ago, with their
 * attempts, `batchSize` at a time. A notification and its attempts go together, under the
 * notification's row lock, so a resend racing the purge either keeps the row (it waits for the
 * lock, then finds nothing) or is skipped by it (the locking read skips rows a resend holds).
 */
export async function purgeNotifications(
  dataSource: DataSource,
  micros: number,
  batchSize: number,
): Promise<{ notifications: number; notificationAttempts: number }> {
  let notifications = 0;
  let notificationAttempts = 0;
  for (;;) {
    const claimed = await claimRows<{ notification_id: string }>(
      dataSource,
      `SELECT notification_id FROM txmsg_notification
        WHERE status IN ('DELIVERED', 'FAILED') AND finished_at < DATE_SUB(NOW(3), INTERVAL ? MICROSECOND)
        LIMIT ? FOR UPDATE SKIP LOCKED`,
      [micros, batchSize],
      async (em, rows) => {
        const ids = rows.map((row) => row.notification_id);
        notificationAttempts += affectedRows(
          await em.query('DELETE FROM txmsg_notification_attempt WHERE notification_id IN (?)', [ids]),
        );
        notifications += affectedRows(
          await em.query('DELETE FROM txmsg_notification WHERE notification_id IN (?)', [ids]),
        );
      },
    );
    if (claimed < batchSize) return { notifications, notificationAttempts };
  }
}
