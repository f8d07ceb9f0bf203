import type { MessageProperties } from 'amqplib';
import type { ConfirmedPublisher } from '../broker/confirmed-publisher';
import type { DueRetry } from '../store/failure-rows';
import { ATTEMPT_HEADER, REDELIVERED_HEADER } from '../txmsg.constants';

/**
 * Sends the message as received back to its consumer's queue (through the default exchange, so
 * only that consumer gets it), with the attempt count and the redelivered mark; resolves once the
 * broker confirms it.
 */
export async function sendRetry(publisher: ConfirmedPublisher, row: DueRetry): Promise<void> {
  const properties = JSON.parse(row.properties) as Partial<MessageProperties>;
  await publisher.publish('', row.queue, row.body, {
    ...withoutNulls(properties),
    messageId: row.message_id,
    headers: { ...(properties.headers ?? {}), [ATTEMPT_HEADER]: row.attempts, [REDELIVERED_HEADER]: true },
  });
}

function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
