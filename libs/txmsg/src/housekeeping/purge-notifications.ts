import type { DataSource } from 'typeorm';
import { claimRows } from '../store/claim-rows';
import { deleteNotifications } from './delete-notifications';
import type { NotificationPurgeCounts } from './purge-counts';

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
): Promise<NotificationPurgeCounts> {
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
        const deleted = await deleteNotifications(em, ids);
        notifications += deleted.notifications;
        notificationAttempts += deleted.notificationAttempts;
      },
    );
    if (claimed < batchSize) return { notifications, notificationAttempts };
  }
}
