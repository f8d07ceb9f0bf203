/** Rows deleted by one {@link Housekeeper.purgeOnce}, per table. */
export interface PurgeCounts {
  outbox: number;
  dedup: number;
  notifications: number;
  notificationAttempts: number;
}
