import type { DataSource } from 'typeorm';
import type { AttemptFailure } from './attempt-outcome';

/** A due notification as leased for an attempt. */
export interface LeasedNotification {
  id: string;
  notification_id: string;
  target_url: string;
  body: string;
  /** Attempts made before this one: the fence of the conditional update. */
  attempts: number;
  /** The W3C trace fields (JSON) of the transaction that enqueued it, or null. */
  trace_context?: string | null;
}

/** What an attempt came to, as recorded. */
export interface RecordedAttempt {
  statusCode: number | null;
  failure: AttemptFailure | null;
  durationMs: number;
  /** Delay before the next attempt; undefined when there is none (delivered, or the ladder is spent). */
  retryInMs: number | undefined;
}

/**
 * Writes one attempt to the attempt log and moves the notification on: DELIVERED, FAILED, or
 * PENDING again after `retryInMs`. Runs in a short transaction of its own, after the HTTP call.
 * The state update is conditional on the row still being the one leased (PENDING, same attempt
 * count): if the lease ran out and another instance attempted it meanwhile, that instance's
 * outcome stands, and this attempt is only logged.
 */
export async function recordAttempt(
  dataSource: DataSource,
  row: LeasedNotification,
  attempt: RecordedAttempt,
): Promise<void> {
  const { statusCode, failure, durationMs, retryInMs } = attempt;
  const [next, params] =
    failure === null
      ? [`status = 'DELIVERED', last_error = NULL, finished_at = NOW(3)`, []]
      : retryInMs === undefined
        ? [`status = 'FAILED', last_error = ?, finished_at = NOW(3)`, [failure]]
        : [`last_error = ?, next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)`, [failure, retryInMs * 1000]];
  await dataSource.transaction(async (em) => {
    await em.query(
      `INSERT INTO txmsg_notification_attempt (notification_id, attempt, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)`,
      [row.notification_id, row.attempts + 1, statusCode, failure, durationMs],
    );
    await em.query(
      `UPDATE txmsg_notification SET attempts = ?, last_status = ?, ${next}
        WHERE notification_id = ? AND status = 'PENDING' AND attempts = ?`,
      [row.attempts + 1, statusCode, ...params, row.notification_id, row.attempts],
    );
  });
}
