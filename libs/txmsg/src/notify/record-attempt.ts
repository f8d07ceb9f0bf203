export type { LeasedNotification, RecordedAttempt } from '../store/notification-rows';
