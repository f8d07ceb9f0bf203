// A row of txmsg_inbox_failure as the admin API and FailureQueries.list show it.

/** Why a message was parked. */
export type ParkReason = 'EXHAUSTED' | 'POISON' | 'UNRECOVERABLE' | 'NO_QUEUE';

/** Row status of `txmsg_inbox_failure`. */
export type FailureStatus = 'WAITING' | 'DISPATCHED' | 'PARKED';

/** A consumed message whose handler failed, as the admin API shows it. */
export interface FailedMessage {
  id: string;
  consumer: string;
  messageId: string;
  queue: string;
  routingKey: string;
  attempts: number;
  status: FailureStatus;
  reason: ParkReason | null;
  nextAttemptAt: Date;
  lastError: string | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of failed messages, newest first. */
export interface FailedMessagePage {
  items: FailedMessage[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Maps a `txmsg_inbox_failure` row; a body that is not UTF-8 is shown as `base64:…`. */
export function toFailedMessage(row: Record<string, unknown>): FailedMessage {
  const raw = Buffer.from(String(row.body), 'base64');
  const text = raw.toString('utf8');
  return {
    id: String(row.id),
    consumer: String(row.consumer),
    messageId: String(row.message_id),
    queue: String(row.queue),
    routingKey: String(row.routing_key),
    attempts: Number(row.attempts),
    status: row.status as FailureStatus,
    reason: (row.reason as ParkReason | null) ?? null,
    nextAttemptAt: row.next_attempt_at as Date,
    lastError: (row.last_error as string | null) ?? null,
    body: Buffer.from(text, 'utf8').equals(raw) ? text : `base64:${raw.toString('base64')}`,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
