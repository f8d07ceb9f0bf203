import type { Type } from '@nestjs/common';
import { ORDERING_HEADERS } from '../ordering/ordering-headers';
import { routingKeyOf } from '../outbox/integration-event.decorator';
import type { OutboxEntry } from './in-memory/in-memory-outbox-store';

/** A message whose transaction committed, as `TxMsgTestHarness.published` lists it. */
export interface PublishedMessage<T = unknown> {
  messageId: string;
  routingKey: string;
  /** The message type: the routing key unless the publisher gave another. */
  type: string;
  /** The payload as it was written (its JSON, parsed back). */
  payload: T;
  /** The headers the publisher gave (the ordering headers are in `orderingKey` and `sequence`). */
  headers: Record<string, unknown>;
  orderingKey?: string;
  /** Its number among the messages of its ordering key: 1, 2, 3… in commit order. */
  sequence?: number;
  /** For a delayed message: how long after its commit it is due. */
  delayMs?: number;
  correlationId: string;
  /** The transactional group, for a message sent by `TransactionProducer`. */
  group?: string;
}

/** What a test names a kind of message by: its `@IntegrationEvent` class, or its routing key. */
export type MessageRef<T = unknown> = Type<T> | string;

/** The routing key `ref` stands for. @throws Error for a class not marked `@IntegrationEvent`. */
export function routingKeyOfRef(ref: MessageRef): string {
  if (typeof ref === 'string') return ref;
  const routingKey = routingKeyOf(ref.prototype as object);
  if (!routingKey) throw new Error(`${ref.name} is not decorated with @IntegrationEvent(routingKey)`);
  return routingKey;
}

export function publishedOf(entry: OutboxEntry): PublishedMessage {
  const { row } = entry;
  const {
    [ORDERING_HEADERS.key]: orderingKey,
    [ORDERING_HEADERS.seq]: sequence,
    ...headers
  } = (row.headers ? JSON.parse(row.headers) : {}) as Record<string, unknown>;
  return {
    messageId: row.message_id,
    routingKey: row.routing_key,
    type: row.type,
    payload: JSON.parse(row.payload),
    headers,
    ...(orderingKey !== undefined && { orderingKey: String(orderingKey), sequence: Number(sequence) }),
    // A half message's due time is its first check, not a delay.
    ...(entry.group === undefined && entry.dueInMs > 0 && { delayMs: entry.dueInMs }),
    correlationId: row.correlation_id ?? row.message_id,
    ...(entry.group !== undefined && { group: entry.group }),
  };
}
