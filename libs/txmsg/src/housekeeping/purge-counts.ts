/** Rows deleted by one {@link Housekeeper.purgeOnce}, per table. */
export interface PurgeCounts {
  outbox: number;
  dedup: number;
  notifications: number;
  notificationAttempts: number;
}

/** Notifications and notification attempts deleted together. */
export type NotificationPurgeCounts = Pick<PurgeCounts, 'notifications' | 'notificationAttempts'>;
