import type { DataSource } from 'typeorm';
import type { FailedDelivery, FailureOutcome } from './failed-delivery';

/**
 * Writes the failure row of a delivery (`txmsg_inbox_failure`, one per consumer and message)
 * with the message as received, so it can be sent again: waiting for its next rung, or parked.
 * Runs in the caller's transaction (`em`).
 */
export async function upsertFailure(
  em: { query: DataSource['query'] },
  delivery: FailedDelivery,
  outcome: FailureOutcome,
  lastError: string,
): Promise<void> {
  const { message, envelope } = delivery;
  const parked = 'parked' in outcome;
  await em.query(
    `INSERT INTO txmsg_inbox_failure
       (consumer, message_id, queue, exchange, routing_key, properties, body, attempts, status, reason, next_attempt_at, last_error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND), ?)
     ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), status = VALUES(status), reason = VALUES(reason),
       next_attempt_at = VALUES(next_attempt_at), last_error = VALUES(last_error), updated_at = NOW(3)`,
    [
      delivery.consumer,
      envelope.id,
      delivery.queue ?? '',
      message.fields.exchange,
      message.fields.routingKey,
      JSON.stringify(message.properties ?? {}),
      message.content.toString('base64'),
      outcome.attempts,
      parked ? 'PARKED' : 'WAITING',
      parked ? outcome.parked : null,
      parked ? 0 : outcome.retryInMs * 1000,
      lastError.slice(0, 2000),
    ],
  );
}
