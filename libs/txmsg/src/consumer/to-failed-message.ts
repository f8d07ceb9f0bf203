import type { FailedMessage, FailureStatus, ParkReason } from './failed-message';

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
    payloadHash: String(row.payload_hash ?? ''),
    bodySize: row.body_size == null ? raw.length : Number(row.body_size),
    bodyTruncated: row.body_size != null && Number(row.body_size) > raw.length,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
