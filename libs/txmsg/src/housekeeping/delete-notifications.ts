import type { EntityManager } from 'typeorm';
import { affectedRows } from '../support/affected-rows';
import type { NotificationPurgeCounts } from './purge-counts';

/**
 * Deletes the notifications `ids` and their attempts, attempts first. Runs in the caller's
 * transaction (`em`), which holds the notifications' row locks.
 */
export async function deleteNotifications(em: EntityManager, ids: string[]): Promise<NotificationPurgeCounts> {
  const notificationAttempts = affectedRows(
    await em.query('DELETE FROM txmsg_notification_attempt WHERE notification_id IN (?)', [ids]),
  );
  const notifications = affectedRows(
    await em.query('DELETE FROM txmsg_notification WHERE notification_id IN (?)', [ids]),
  );
  return { notifications, notificationAttempts };
}
