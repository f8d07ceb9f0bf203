import type { AttemptRow, NotificationRow, NotificationStatus } from '../store/notification-rows';
import type { AttemptFailure } from './attempt-outcome';
import { redactedUrl } from './redacted-url';

export type { NotificationStatus } from '../store/notification-rows';

/** One delivery attempt. */
export interface NotificationAttempt {
  attempt: number;
  at: Date;
  /** The receiver's HTTP status; null when none was received. */
  statusCode: number | null;
  /** Why the attempt failed (a neutral category, see {@link AttemptFailure}); null when delivered. */
  error: AttemptFailure | null;
  durationMs: number;
}

/** A notification with every attempt made so far. */
export interface NotificationRecord {
  id: string;
  subject: string | null;
  type: string;
  /** The receiver URL, its query string and fragment redacted (see {@link redactedUrl}): they may hold tokens. */
  url: string;
  status: NotificationStatus;
  attempts: NotificationAttempt[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The notifications and attempt rows of a subject as the notifier lists them, URLs redacted. */
export function toNotificationRecords(rows: NotificationRow[], attempts: AttemptRow[]): NotificationRecord[] {
  return rows.map((row) => ({
    id: row.notification_id,
    subject: row.subject,
    type: row.type,
    url: redactedUrl(row.target_url),
    status: row.status,
    nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at : null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    attempts: attempts
      .filter((a) => a.notification_id === row.notification_id)
      .map((a) => ({
        attempt: a.attempt,
        at: a.attempted_at,
        statusCode: a.status_code,
        error: a.error as AttemptFailure | null,
        durationMs: a.duration_ms,
      })),
  }));
}
