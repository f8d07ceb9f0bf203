import type { DataSource } from 'typeorm';
import type { AttemptFailure } from './attempt-outcome';
import { redactedUrl } from './redacted-url';

/** Lifecycle of a notification. */
export type NotificationStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

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

interface NotificationRow {
  notification_id: string;
  subject: string | null;
  type: string;
  target_url: string;
  status: NotificationStatus;
  next_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

interface AttemptRow {
  notification_id: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  error: AttemptFailure | null;
  duration_ms: number;
}

/** The notifications of a subject with all their attempts, oldest first. Reads outside any transaction. */
export async function listNotifications(dataSource: DataSource, subject: string): Promise<NotificationRecord[]> {
  const rows: NotificationRow[] = await dataSource.query(
    `SELECT * FROM txmsg_notification WHERE subject = ? ORDER BY id`,
    [subject],
  );
  if (rows.length === 0) return [];
  const attempts: AttemptRow[] = await dataSource.query(
    `SELECT * FROM txmsg_notification_attempt WHERE notification_id IN (?) ORDER BY id`,
    [rows.map((r) => r.notification_id)],
  );
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
        error: a.error,
        durationMs: a.duration_ms,
      })),
  }));
}
