import type { DataSource } from 'typeorm';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';

/** How much of an oversized body a failure row keeps: enough to see what it is, never enough to refuse the row. */
export const OVERSIZED_PREVIEW_BYTES = 4096;

/**
 * Writes the failure row of a delivery (`txmsg_inbox_failure`, one per consumer, message id and
 * body hash) with the message as received, so it can be sent again: waiting for its next rung,
 * or parked. An existing row keeps its body (the same bytes: its hash is part of the key). An
 * `OVERSIZED` message keeps only its first 4 KiB. Runs in the caller's transaction (`em`).
 */
export async function upsertFailure(
  em: { query: DataSource['query'] },
  delivery: FailedDelivery,
  outcome: FailureOutcome,
  lastError: string,
): Promise<void> {
  const { message, envelope } = delivery;
  const parked = 'parked' in outcome;
  const content = message.content ?? Buffer.alloc(0);
  const kept = parked && outcome.parked === 'OVERSIZED' ? content.subarray(0, OVERSIZED_PREVIEW_BYTES) : content;
  await em.query(
    `INSERT INTO txmsg_inbox_failure
       (consumer, message_id, payload_hash, queue, exchange, routing_key, properties, body, body_size, attempts, status, reason,
        next_attempt_at, last_error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND), ?)
     ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), status = VALUES(status), reason = VALUES(reason),
       next_attempt_at = VALUES(next_attempt_at), last_error = VALUES(last_error), updated_at = NOW(3)`,
    [
      delivery.consumer,
      envelope.id,
      delivery.payloadHash,
      delivery.queue ?? '',
      message.fields.exchange,
      message.fields.routingKey,
      JSON.stringify(message.properties ?? {}),
      kept.toString('base64'),
      content.length,
      outcome.attempts,
      parked ? 'PARKED' : 'WAITING',
      parked ? outcome.parked : null,
      parked ? 0 : outcome.retryInMs * 1000,
      lastError.slice(0, 2000),
    ],
  );
}
