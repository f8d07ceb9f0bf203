import type { FailureRecord } from '../store/failure-rows';
import type { FailedMessage, ParkReason } from './failed-message';

/** Maps a failure row; a body that is not UTF-8 is shown as `base64:…`. */
export function toFailedMessage(row: FailureRecord): FailedMessage {
  const raw = row.body;
  const text = raw.toString('utf8');
  return {
    id: String(row.id),
    consumer: String(row.consumer),
    messageId: String(row.message_id),
    queue: String(row.queue),
    routingKey: String(row.routing_key),
    attempts: Number(row.attempts),
    status: row.status,
    reason: (row.reason as ParkReason | null) ?? null,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? null,
    body: Buffer.from(text, 'utf8').equals(raw) ? text : `base64:${raw.toString('base64')}`,
    payloadHash: String(row.payload_hash ?? ''),
    bodySize: row.body_size == null ? raw.length : Number(row.body_size),
    bodyTruncated: row.body_size != null && Number(row.body_size) > raw.length,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
