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
  await sendBack(publisher, row, { [ATTEMPT_HEADER]: row.attempts, [REDELIVERED_HEADER]: true });
}

/**
 * Sends a kept message (its AMQP properties as received, as JSON, and its body) back to its
 * consumer's queue through the default exchange, with `headers` added; resolves once confirmed.
 */
export async function sendBack(
  publisher: ConfirmedPublisher,
  kept: { queue: string; message_id: string; properties: string; body: Buffer },
  headers: Record<string, unknown> = {},
): Promise<void> {
  const properties = JSON.parse(kept.properties) as Partial<MessageProperties>;
  await publisher.publish('', kept.queue, kept.body, {
    ...withoutNulls(properties),
    messageId: kept.message_id,
    headers: { ...(properties.headers ?? {}), ...headers },
  });
}

function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
