import type { FailureAttemptRecord, FailureRecord } from '../store/failure-rows';
import type { FailedMessage, FailedMessageDetail, FailureAttempt, ParkReason } from './failed-message';
import { traceIdOf } from './message-context';

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
    errorClass: row.error_class ?? null,
    fingerprint: row.fingerprint ?? null,
    body: Buffer.from(text, 'utf8').equals(raw) ? text : `base64:${raw.toString('base64')}`,
    payloadHash: String(row.payload_hash ?? ''),
    bodySize: row.body_size == null ? raw.length : Number(row.body_size),
    bodyTruncated: row.body_size != null && Number(row.body_size) > raw.length,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a failure row with its properties and attempts; properties that are not a JSON object are shown as none. */
export function toFailedMessageDetail(row: FailureRecord, attempts: FailureAttemptRecord[]): FailedMessageDetail {
  const properties = propertiesOf(row.properties);
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  return {
    ...toFailedMessage(row),
    exchange: String(row.exchange),
    properties,
    traceId: traceIdOf(headers.traceparent) ?? null,
    dedupKey: row.dedup_key ?? null,
    lastStack: row.last_stack ?? null,
    history: attempts.map(toFailureAttempt),
  };
}

function toFailureAttempt(row: FailureAttemptRecord): FailureAttempt {
  return {
    attempt: row.attempt,
    at: row.at,
    outcome: row.outcome,
    reason: (row.reason as ParkReason | null) ?? null,
    retryAt: row.retry_at ?? null,
    errorClass: row.error_class ?? null,
    error: row.error ?? null,
    traceId: row.trace_id ?? null,
  };
}

/** Stored AMQP properties as an object; anything but a JSON object as none. */
export function propertiesOf(stored: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(stored);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
