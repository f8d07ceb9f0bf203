import type { MessageProperties } from 'amqplib';
import type { DataSource } from 'typeorm';
import type { ConfirmedPublisher } from '../broker/confirmed-publisher';
import { ATTEMPT_HEADER, REDELIVERED_HEADER } from '../txmsg.constants';

/** A due retry as leased from `txmsg_inbox_failure`. */
export interface DueRetry {
  id: string;
  message_id: string;
  queue: string;
  properties: string;
  body: string;
  attempts: number;
}

/**
 * Sends the message as received back to its consumer's queue (through the default exchange, so
 * only that consumer gets it), with the attempt count and the redelivered mark; resolves once the
 * broker confirms it.
 */
export async function sendRetry(publisher: ConfirmedPublisher, row: DueRetry): Promise<void> {
  const properties = JSON.parse(row.properties) as Partial<MessageProperties>;
  await publisher.publish('', row.queue, Buffer.from(row.body, 'base64'), {
    ...withoutNulls(properties),
    messageId: row.message_id,
    headers: { ...(properties.headers ?? {}), [ATTEMPT_HEADER]: row.attempts, [REDELIVERED_HEADER]: true },
  });
}

/** Marks sent retries DISPATCHED in one UPDATE, each only if still WAITING with the attempts it was leased with. */
export async function markDispatched(dataSource: DataSource, sent: DueRetry[]): Promise<void> {
  if (sent.length === 0) return;
  await dataSource.query(
    `UPDATE txmsg_inbox_failure SET status = 'DISPATCHED', updated_at = NOW(3)
      WHERE status = 'WAITING' AND (id, attempts) IN (${sent.map(() => '(?, ?)').join(', ')})`,
    sent.flatMap((row) => [row.id, row.attempts]),
  );
}

/** Makes a retry that could not be sent due again in 5 s, if it is still as it was leased. */
export async function postponeRetry(dataSource: DataSource, row: DueRetry, error: string): Promise<void> {
  await dataSource.query(
    `UPDATE txmsg_inbox_failure SET next_attempt_at = DATE_ADD(NOW(3), INTERVAL 5 SECOND), last_error = ?
      WHERE id = ? AND status = 'WAITING' AND attempts = ?`,
    [error.slice(0, 2000), row.id, row.attempts],
  );
}

function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
